/**
 * The graph the path and exposure questions walk: the weighted attention graph of a projection
 * (arc u → v: u listens to v; a voice travels against the arcs) and its FOLLOWS/KNOWS-only part,
 * with the id ↔ index mapping and each customer's latest purchase. `withoutCustomers` cuts erased
 * customers out (their arcs dropped, their ids unknown): O(n + m).
 */
import { buildCsr, type CsrGraph, type OutArcs } from '../analytics/index.js';
import type { Projection } from './projection.js';

export interface NetworkGraph {
  ids: string[];
  index: ReadonlyMap<string, number>;
  attention: CsrGraph;
  /** Outgoing arcs only: the questions look a tie's weight up from its source (at 1M customers the incoming side would be about 130 MB more). */
  ties: OutArcs;
  lastPurchaseAt: Float64Array;
  asOf: string;
}

/** The two CSRs of the paths graph: O(n + m log) work, done in the scoring worker (run-worker-task.ts) so the event loop only adopts them. */
export interface NetworkCsrs {
  attention: CsrGraph;
  ties: OutArcs;
}

/**
 * The FOLLOWS/KNOWS arcs of a projection as a weighted graph (parallel arcs merged by their largest
 * weight): the paths graph's ties, and the scoring's tie graph too (its kernels there read the
 * structure only), so a run builds it once.
 */
export function tieCsrOf(p: Projection): CsrGraph {
  let m = 0;
  for (let a = 0; a < p.isTie.length; a++) m += p.isTie[a];
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  const w = new Float64Array(m);
  for (let a = 0, j = 0; a < p.isTie.length; a++) {
    if (!p.isTie[a]) continue;
    src[j] = p.src[a];
    dst[j] = p.dst[a];
    w[j] = p.weight[a];
    j++;
  }
  return buildCsr(p.optedOut.length, src, dst, w, { mergeParallel: 'max' });
}

/** `attention` and `ties` when they are built already (the scoring's: the same arcs and weights). */
export function networkCsrsOf(p: Projection, attention?: CsrGraph, ties?: CsrGraph): NetworkCsrs {
  return { attention: attention ?? buildCsr(p.optedOut.length, p.src, p.dst, p.weight), ties: outArcsOf(ties ?? tieCsrOf(p)) };
}

/** The outgoing side of a graph, without the incoming arrays (which are then left to be freed). */
function outArcsOf(g: OutArcs): OutArcs {
  return { n: g.n, outOffsets: g.outOffsets, outTargets: g.outTargets, outWeights: g.outWeights };
}

/**
 * The paths graph of a projection; `csrs` when they were built already (by the scoring worker) for
 * this projection, `index` when the id → index map of these ids exists already (never changed in
 * place: withoutCustomers copies it).
 */
export function networkGraphOf(p: Projection, csrs: NetworkCsrs = networkCsrsOf(p), index?: ReadonlyMap<string, number>): NetworkGraph {
  return {
    ids: p.ids,
    index: index ?? new Map(p.ids.map((id, i) => [id, i])),
    attention: csrs.attention,
    ties: csrs.ties,
    lastPurchaseAt: p.lastPurchaseAt,
    asOf: p.asOf,
  };
}

/** The graph without the given customers: no arc touches them and their ids are no longer found. Same graph when none is in it. */
export function withoutCustomers(g: NetworkGraph, ids: Iterable<string>): NetworkGraph {
  const gone = new Uint8Array(g.ids.length);
  let index: Map<string, number> | undefined;
  for (const id of ids) {
    const v = g.index.get(id);
    if (v === undefined) continue;
    index ??= new Map(g.index);
    index.delete(id);
    gone[v] = 1;
  }
  if (!index) return g;
  return { ...g, index, attention: dropArcs(g.attention, gone, g.attention.directed), ties: outArcsOf(dropArcs(g.ties, gone, true)) };
}

function dropArcs(g: OutArcs, gone: Uint8Array, directed: boolean): CsrGraph {
  let m = 0;
  for (let u = 0; u < g.n; u++) {
    if (gone[u]) continue;
    for (let p = g.outOffsets[u]; p < g.outOffsets[u + 1]; p++) if (!gone[g.outTargets[p]]) m++;
  }
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  const w = g.outWeights ? new Float64Array(m) : null;
  for (let u = 0, j = 0; u < g.n; u++) {
    if (gone[u]) continue;
    for (let p = g.outOffsets[u]; p < g.outOffsets[u + 1]; p++) {
      if (gone[g.outTargets[p]]) continue;
      src[j] = u;
      dst[j] = g.outTargets[p];
      if (w) w[j] = g.outWeights![p];
      j++;
    }
  }
  return buildCsr(g.n, src, dst, w, { directed });
}
