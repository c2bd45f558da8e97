/**
 * RowGather (src/analytics/gather.ts) walked range by range gives the plain loop's row sums bit
 * for bit: weighted and not, with a starting value, and on rows that are not sorted.
 */
import { describe, expect, it } from 'vitest';
import { RowGather } from '../../../src/analytics/gather.js';
import { createRng } from '../../../src/analytics/random.js';
import { referenceGraph } from './reference.js';

function plain(offsets: Int32Array, neighbours: Int32Array, weights: Float64Array | null, x: Float64Array, init: Float64Array | null): Float64Array {
  const n = offsets.length - 1;
  const out = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    let s = init ? init[v] : 0;
    for (let q = offsets[v]; q < offsets[v + 1]; q++) s += x[neighbours[q]] * (weights ? weights[q] : 1);
    out[v] = s;
  }
  return out;
}

describe('RowGather', () => {
  const rng = createRng(3);
  it.each(['karate-club', 'les-miserables', 'directed-random-60'] as const)('equals the plain row sums bit for bit on %s, in ranges of 1, 7 and 16 nodes', (name) => {
    const g = referenceGraph(name).g.graph;
    const x = Float64Array.from({ length: g.n }, () => rng.next() * 1e-3 + rng.next());
    const weights = Float64Array.from({ length: g.m }, () => 0.1 + rng.next());
    for (const segment of [1, 7, 16, 1 << 18]) {
      const gather = new RowGather(g.n, segment);
      for (const w of [null, weights]) {
        for (const init of [null, x]) {
          const into = new Float64Array(g.n).fill(NaN);
          gather.run(g.inOffsets, g.inSources, w, x, into, init);
          expect(into).toEqual(plain(g.inOffsets, g.inSources, w, x, init));
        }
      }
    }
  });

  it('sums unsorted rows completely and in their own order', () => {
    // Row 0 is 0, 2, 1: in its order 1e16 − 1e16 + 1 = 1; summed by range (0, 1, 2) it would be 0.
    const offsets = Int32Array.from([0, 3, 3, 6]);
    const neighbours = Int32Array.from([0, 2, 1, 1, 0, 2]);
    const x = Float64Array.from([1e16, 1, -1e16]);
    const into = new Float64Array(3);
    new RowGather(3, 1).run(offsets, neighbours, null, x, into);
    expect(into).toEqual(plain(offsets, neighbours, null, x, null));
    expect(into[0]).toBe(1);
  });
});
