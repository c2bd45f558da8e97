/**
 * Vose's alias method: sample index i of a discrete distribution with probability w_i / Σw in
 * O(1) after an O(k) build (M. D. Vose, "A linear algorithm for generating random numbers with a
 * given distribution", IEEE TSE 17(9), 1991).
 *
 * Tables can be packed side by side into one pair of typed arrays (one segment per community),
 * so a million customers in two thousand communities cost 12 bytes per customer.
 */
import type { Rng } from './prng.js';

/** Fills `prob[start..end)` and `alias[start..end)` (alias indices relative to `start`). */
export function buildAliasSegment(
  weights: ArrayLike<number>,
  start: number,
  end: number,
  prob: Float64Array,
  alias: Int32Array,
  scratch: Int32Array,
): void {
  const len = end - start;
  if (len <= 0) return;
  let sum = 0;
  for (let i = start; i < end; i++) sum += weights[i];
  if (!(sum > 0)) {
    for (let i = 0; i < len; i++) {
      prob[start + i] = 1;
      alias[start + i] = i;
    }
    return;
  }
  // small indices grow from the front of `scratch`, large ones from the back
  let nSmall = 0;
  let large = len;
  for (let i = 0; i < len; i++) {
    const p = (weights[start + i] * len) / sum;
    prob[start + i] = p;
    if (p < 1) scratch[nSmall++] = i;
    else scratch[--large] = i;
  }
  while (nSmall > 0 && large < len) {
    const s = scratch[--nSmall];
    const l = scratch[large];
    alias[start + s] = l;
    const pl = prob[start + l] + prob[start + s] - 1;
    prob[start + l] = pl;
    if (pl < 1) {
      large++;
      scratch[nSmall++] = l;
    }
  }
  while (nSmall > 0) {
    const s = scratch[--nSmall];
    prob[start + s] = 1;
    alias[start + s] = s;
  }
  for (let k = large; k < len; k++) {
    const l = scratch[k];
    prob[start + l] = 1;
    alias[start + l] = l;
  }
}

/** Draws a relative index in [0, len) from the segment built at `start`. */
export function sampleAliasSegment(
  prob: Float64Array,
  alias: Int32Array,
  start: number,
  len: number,
  rng: Rng,
): number {
  const i = rng.int(len);
  return rng.next() < prob[start + i] ? i : alias[start + i];
}

/** A single alias table over `weights`. */
export class AliasTable {
  readonly size: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    this.size = weights.length;
    this.prob = new Float64Array(this.size);
    this.alias = new Int32Array(this.size);
    buildAliasSegment(weights, 0, this.size, this.prob, this.alias, new Int32Array(this.size));
  }

  sample(rng: Rng): number {
    return sampleAliasSegment(this.prob, this.alias, 0, this.size, rng);
  }
}
