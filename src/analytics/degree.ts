/**
 * Node degree: in, out or total, counted (number of distinct neighbours' arcs) or weighted
 * (sum of arc weights).
 *
 * Definition (NetworkX `G.in_degree`, `G.out_degree`, `G.degree`, with `weight=` when weighted):
 * - directed graph: 'out' counts out-arcs, 'in' in-arcs, 'total' = in + out; a self-loop u→u is
 *   one out-arc and one in-arc of u, so it adds 2 to the total.
 * - undirected graph: the three directions are the same number, the NetworkX degree, where a
 *   self-loop adds 2 (twice its weight when weighted).
 * Parallel arcs were merged when the CSR was built, so 'unweighted' counts distinct neighbours
 * (plus the loop rule above); 'weighted' sums the merged weights.
 *
 * Cost: O(n) from the offsets when unweighted, O(n + m) when weighted.
 * Reference: any graph theory text; NetworkX `reportviews.DegreeView`.
 */

import type { CsrGraph } from './csr.js';

export type DegreeDirection = 'in' | 'out' | 'total';

export interface DegreeOptions {
  /** Default 'total'. Ignored for undirected graphs (all directions agree). */
  direction?: DegreeDirection;
  /** Default false: count arcs. True: sum arc weights (arcs without weights weigh 1). */
  weighted?: boolean;
}

/** Degree of every node, as a Float64Array indexed by node (integers when unweighted). */
export function degree(g: CsrGraph, options: DegreeOptions = {}): Float64Array {
  const direction = options.direction ?? 'total';
  const weighted = options.weighted ?? false;
  const out = new Float64Array(g.n);
  if (!g.directed) {
    addRow(out, g.n, g.outOffsets, g.outTargets, weighted ? g.outWeights : null, true);
    return out;
  }
  if (direction === 'out' || direction === 'total') {
    addRow(out, g.n, g.outOffsets, g.outTargets, weighted ? g.outWeights : null, false);
  }
  if (direction === 'in' || direction === 'total') {
    addRow(out, g.n, g.inOffsets, g.inSources, weighted ? g.inWeights : null, false);
  }
  return out;
}

function addRow(
  out: Float64Array,
  n: number,
  offsets: Int32Array,
  neighbours: Int32Array,
  weights: Float64Array | null,
  countLoopTwice: boolean,
): void {
  for (let u = 0; u < n; u++) {
    const start = offsets[u];
    const end = offsets[u + 1];
    let d = 0;
    if (weights) {
      for (let p = start; p < end; p++) {
        d += weights[p];
        if (countLoopTwice && neighbours[p] === u) d += weights[p];
      }
    } else {
      d = end - start;
      if (countLoopTwice) for (let p = start; p < end; p++) if (neighbours[p] === u) d++;
    }
    out[u] += d;
  }
}
