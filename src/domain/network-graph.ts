/**
 * The graph the path and exposure questions walk: the weighted attention graph of a projection
 * (arc u → v: u listens to v; a voice travels against the arcs) and its FOLLOWS/KNOWS-only part,
 * with the id ↔ index mapping and each customer's latest purchase.
 */
import { buildCsr, type CsrGraph } from '../analytics/index.js';
import type { Projection } from './projection.js';

export interface NetworkGraph {
  ids: string[];
  index: Map<string, number>;
  attention: CsrGraph;
  ties: CsrGraph;
  lastPurchaseAt: Float64Array;
  asOf: string;
}

export function networkGraphOf(p: Projection): NetworkGraph {
  const n = p.ids.length;
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
  return {
    ids: p.ids,
    index: new Map(p.ids.map((id, i) => [id, i])),
    attention: buildCsr(n, p.src, p.dst, p.weight),
    ties: buildCsr(n, src, dst, w, { mergeParallel: 'max' }),
    lastPurchaseAt: p.lastPurchaseAt,
    asOf: p.asOf,
  };
}
