/**
 * The inputs of seed selection drawn from the last completed analytics run: the attention arcs of
 * its graph as (src, dst, decayed interaction volume, tie flag) — the shape the diffusion kernel
 * takes — and, per node of that graph, the customer's index in the run's snapshot.
 *
 * The graph's attention arc u → v weighs tieWeight + interactionWeight · volume (projection.ts).
 * The tie part is read from the FOLLOWS/KNOWS graph (its largest tie weight on u → v), so
 * volume = max(0, w − tie) / interactionWeight: exact for a single tie or none, and an
 * over-estimate by 1 / interactionWeight on the rare pair tied by both FOLLOWS and KNOWS.
 * Cost O(n + m log d) (a binary search in u's sorted tie row per arc); arrays are fresh, so they
 * can be transferred to a worker thread.
 */
import { arcWeight } from '../../analytics/index.js';
import type { NetworkGraph } from '../network-graph.js';
import type { ScoreSnapshot } from '../score-snapshot.js';

export interface DiffusionArcs {
  n: number;
  src: Int32Array;
  dst: Int32Array;
  volume: Float64Array;
  isTie: Uint8Array;
}

export function diffusionArcs(g: NetworkGraph, interactionWeight: number): DiffusionArcs {
  const a = g.attention;
  const m = a.outTargets.length;
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  const volume = new Float64Array(m);
  const isTie = new Uint8Array(m);
  const iw = interactionWeight > 0 ? interactionWeight : 1;
  for (let u = 0; u < a.n; u++) {
    for (let p = a.outOffsets[u]; p < a.outOffsets[u + 1]; p++) {
      const v = a.outTargets[p];
      const w = a.outWeights ? a.outWeights[p] : 1;
      // The largest tie weight on u → v (the tie graph merges parallel ties by max), 0 when untied.
      const tie = arcWeight(g.ties, u, v);
      src[p] = u;
      dst[p] = v;
      isTie[p] = tie > 0 ? 1 : 0;
      volume[p] = Math.max(0, w - tie) / iw;
    }
  }
  return { n: a.n, src, dst, volume, isTie };
}

/** Snapshot index of each node of the graph, −1 for customers the snapshot does not list (new since the run, or erased). */
export function snapshotIndexOf(g: NetworkGraph, s: ScoreSnapshot): Int32Array {
  const out = new Int32Array(g.ids.length).fill(-1);
  for (let v = 0; v < g.ids.length; v++) {
    if (!g.index.has(g.ids[v])) continue;
    const i = s.index.get(g.ids[v]);
    if (i !== undefined) out[v] = i;
  }
  return out;
}

/** People who listen to v (v's audience at one hop): the sources of v's in-arcs in the attention graph. */
export function audience(g: NetworkGraph, v: number): Int32Array {
  const a = g.attention;
  return a.inSources.subarray(a.inOffsets[v], a.inOffsets[v + 1]);
}
