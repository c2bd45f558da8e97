/**
 * Reciprocity of a directed graph: overall and per node.
 *
 * Definitions (NetworkX `overall_reciprocity` and `reciprocity(G, nodes)`):
 *   overall   = (arcs u→v, u ≠ v, whose reverse v→u exists) / (all arcs, self-loops included);
 *   node u    = 2 |pred(u) ∩ succ(u)| / (|pred(u)| + |succ(u)|), NaN when u has no arcs
 *               (NetworkX yields None); a self-loop puts u in both sets and counts as reciprocated
 *               for the node measure, as in NetworkX.
 * Parallel arcs were merged when the CSR was built (NetworkX DiGraph semantics). Throws
 * NotDirectedError for an undirected graph (NetworkX: NetworkXNotImplemented) and EmptyGraphError
 * when the graph has no arcs (NetworkX: "Not defined for empty graphs").
 *
 * Cost: O(n + m) — each node's sorted out-row and in-row are merged once.
 * Reference: D. Garlaschelli and M. I. Loffredo, "Patterns of link reciprocity in directed
 * networks", Phys. Rev. Lett. 93 (2004) (the plain ratio r). Why our own: not in graphology.
 */

import type { CsrGraph } from './csr.js';
import { EmptyGraphError, NotDirectedError } from './errors.js';

export interface ReciprocityResult {
  overall: number;
  /** Per-node reciprocity (NaN for nodes without arcs). */
  perNode: Float64Array;
}

export function reciprocity(g: CsrGraph): ReciprocityResult {
  if (!g.directed) throw new NotDirectedError('reciprocity');
  if (g.m === 0) throw new EmptyGraphError('reciprocity');
  const n = g.n;
  const { outOffsets, outTargets, inOffsets, inSources } = g;
  const perNode = new Float64Array(n);
  let reciprocated = 0;
  for (let u = 0; u < n; u++) {
    let p = outOffsets[u];
    const pe = outOffsets[u + 1];
    let q = inOffsets[u];
    const qe = inOffsets[u + 1];
    let overlap = 0;
    let loop = 0;
    while (p < pe && q < qe) {
      const a = outTargets[p];
      const b = inSources[q];
      if (a === b) {
        overlap++;
        if (a === u) loop = 1;
        p++;
        q++;
      } else if (a < b) p++;
      else q++;
    }
    reciprocated += overlap - loop;
    const total = pe - outOffsets[u] + (qe - inOffsets[u]);
    perNode[u] = total === 0 ? NaN : (2 * overlap) / total;
  }
  return { overall: reciprocated / g.m, perNode };
}
