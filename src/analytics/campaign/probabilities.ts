/**
 * The diffusion graph: activation probabilities on the arcs along which influence travels.
 *
 * Input: the attention arcs of the projection, a → b meaning "a listens to b", with the decayed
 * interaction volume of the arc (0 for a tie-only arc) and whether a FOLLOWS/KNOWS tie exists.
 * Influence flows against attention, so each attention arc a → b becomes the diffusion arc b → a
 * ("b can activate a"). Parallel arcs are merged (volumes summed, tie if any has one); self-loops
 * are dropped (a node cannot activate itself). Rows are sorted by neighbour.
 *
 * Probability rules (one per request):
 * - 'interactions' (default): p = max(tieFloor · isTie, max · v / (v + halfSaturation)) where v
 *   is the decayed interaction volume: a saturating (Michaelis–Menten) curve that reaches max/2 at
 *   v = halfSaturation and never exceeds `max`, with a FOLLOWS/KNOWS tie worth at least tieFloor.
 *   An arc with neither a tie nor volume has p = 0 and is dropped. Defaults: INTERACTION_DEFAULTS.
 * - 'constant': every arc p (0 < p ≤ 1).
 * - 'weighted-cascade': p(u → v) = 1 / in-degree(v) in the diffusion graph (Kempe et al. 2003;
 *   Chen, Wang, Yang KDD 2009), so each node's in-probabilities sum to exactly 1.
 *
 * The same numbers serve as linear-threshold weights: the LT samplers scale a node's in-weights by
 * 1 / Σ when they sum above 1 (the model needs Σ ≤ 1); 'weighted-cascade' already sums to 1.
 *
 * Cost: O(n + m) time (counting sorts, as buildCsr), about 28 bytes per arc for both directions.
 */

import { buildCsr } from '../csr.js';
import { InvalidArgumentError, InvalidGraphError } from '../errors.js';
import type { DiffusionGraph, ProbabilityRule } from './types.js';

export const INTERACTION_DEFAULTS = { halfSaturation: 3, tieFloor: 0.02, max: 0.3 } as const;

/** Build the diffusion graph (both CSR directions) from attention arcs. */
export function diffusionGraph(
  n: number,
  src: Int32Array,
  dst: Int32Array,
  volume: Float64Array,
  isTie: Uint8Array,
  rule: ProbabilityRule = { kind: 'interactions' },
): DiffusionGraph {
  const m = src.length;
  if (dst.length !== m || volume.length !== m || isTie.length !== m) {
    throw new InvalidGraphError(`src, dst, volume and isTie must have one entry per arc (${m}, ${dst.length}, ${volume.length}, ${isTie.length})`);
  }
  for (let i = 0; i < m; i++) {
    const v = volume[i];
    if (!(v >= 0) || v === Infinity) throw new InvalidGraphError(`arc ${i} has volume ${v}; volumes must be finite and >= 0`);
  }
  // Merge parallel arcs: volume summed, tie flag as max (carried as a second weight set).
  const rev = buildCsr(n, dst, src, volume, { mergeParallel: 'sum' });
  const tieF = new Float64Array(m);
  for (let i = 0; i < m; i++) tieF[i] = isTie[i];
  const tie = buildCsr(n, dst, src, tieF, { mergeParallel: 'max' });
  // Both CSRs list the same arcs in the same sorted order.
  const offsets = new Int32Array(n + 1);
  const keep = new Uint8Array(rev.m);
  const probAll = new Float64Array(rev.m);
  const inDeg = new Int32Array(n);
  for (let u = 0; u < n; u++) {
    for (let p = rev.outOffsets[u]; p < rev.outOffsets[u + 1]; p++) {
      const v = rev.outTargets[p];
      if (v === u) continue;
      keep[p] = 1;
      inDeg[v]++;
    }
  }
  const kind = rule.kind;
  let hs = 0;
  let floor = 0;
  let max = 0;
  let constant = 0;
  if (kind === 'interactions') {
    hs = rule.halfSaturation ?? INTERACTION_DEFAULTS.halfSaturation;
    floor = rule.tieFloor ?? INTERACTION_DEFAULTS.tieFloor;
    max = rule.max ?? INTERACTION_DEFAULTS.max;
    if (!(hs > 0) || hs === Infinity) throw new InvalidArgumentError(`halfSaturation must be > 0, got ${hs}`);
    if (!(floor >= 0 && floor <= 1)) throw new InvalidArgumentError(`tieFloor must be in [0, 1], got ${floor}`);
    if (!(max > 0 && max <= 1)) throw new InvalidArgumentError(`max must be in (0, 1], got ${max}`);
  } else if (kind === 'constant') {
    constant = rule.p;
    if (!(constant > 0 && constant <= 1)) throw new InvalidArgumentError(`p must be in (0, 1], got ${constant}`);
  } else if (kind !== 'weighted-cascade') {
    throw new InvalidArgumentError(`unknown probability rule ${(rule as { kind: string }).kind}`);
  }
  for (let u = 0; u < n; u++) {
    for (let p = rev.outOffsets[u]; p < rev.outOffsets[u + 1]; p++) {
      if (!keep[p]) continue;
      let q: number;
      if (kind === 'interactions') {
        const vol = rev.outWeights ? rev.outWeights[p] : 1;
        const t = tie.outWeights ? tie.outWeights[p] : 1;
        q = Math.max(t > 0 ? floor : 0, (max * vol) / (vol + hs));
      } else if (kind === 'constant') {
        q = constant;
      } else {
        q = 1 / inDeg[rev.outTargets[p]];
      }
      if (q > 0) probAll[p] = q;
      else keep[p] = 0;
    }
  }
  let count = 0;
  for (let u = 0; u < n; u++) {
    for (let p = rev.outOffsets[u]; p < rev.outOffsets[u + 1]; p++) if (keep[p]) count++;
    offsets[u + 1] = count;
  }
  const targets = new Int32Array(count);
  const prob = new Float64Array(count);
  for (let p = 0, w = 0; p < rev.m; p++) {
    if (!keep[p]) continue;
    targets[w] = rev.outTargets[p];
    prob[w] = probAll[p];
    w++;
  }
  return withInArcs(n, offsets, targets, prob);
}

/** Build a diffusion graph straight from diffusion arcs u → v with probabilities (fixtures, tests, benches). */
export function diffusionGraphFromArcs(n: number, src: Int32Array, dst: Int32Array, prob: Float64Array): DiffusionGraph {
  for (let i = 0; i < prob.length; i++) {
    if (!(prob[i] >= 0 && prob[i] <= 1)) throw new InvalidGraphError(`arc ${i} has probability ${prob[i]}; must be in [0, 1]`);
  }
  const g = buildCsr(n, src, dst, prob, { mergeParallel: 'max' });
  const prb = g.outWeights ?? new Float64Array(g.m).fill(1);
  return withInArcs(n, g.outOffsets, g.outTargets, prb);
}

function withInArcs(n: number, offsets: Int32Array, targets: Int32Array, prob: Float64Array): DiffusionGraph {
  const m = targets.length;
  const inOffsets = new Int32Array(n + 1);
  for (let p = 0; p < m; p++) inOffsets[targets[p] + 1]++;
  for (let v = 0; v < n; v++) inOffsets[v + 1] += inOffsets[v];
  const cursor = inOffsets.slice(0, n);
  const inSources = new Int32Array(m);
  const inProb = new Float64Array(m);
  for (let u = 0; u < n; u++) {
    for (let p = offsets[u]; p < offsets[u + 1]; p++) {
      const q = cursor[targets[p]]++;
      inSources[q] = u;
      inProb[q] = prob[p];
    }
  }
  return { n, offsets, targets, prob, inOffsets, inSources, inProb };
}

/** Per node: the factor its in-weights are multiplied by under linear threshold (1 / Σ when Σ > 1). */
export function ltScale(g: DiffusionGraph): Float64Array {
  const s = new Float64Array(g.n);
  for (let v = 0; v < g.n; v++) {
    let sum = 0;
    for (let q = g.inOffsets[v]; q < g.inOffsets[v + 1]; q++) sum += g.inProb[q];
    s[v] = sum > 1 ? 1 / sum : 1;
  }
  return s;
}
