/**
 * HITS hubs and authorities by power iteration.
 *
 * Definition (NetworkX `hits`, normalized=True): with A[u][v] the weight of arc u→v, authorities
 * a are the principal eigenvector of AᵀA and hubs h of AAᵀ (the principal right and left singular
 * vectors of A; NetworkX obtains them with scipy's sparse SVD), each scaled to sum 1. Iterates
 * from h = 1/n:  a = Aᵀh,  h' = A a,  h' ← h' / Σh'; stops when ‖h' − h‖₁ < tol (NetworkX's HITS
 * rule: no factor n; default tol 1e-8, maxIter 100; `stopping: 'networkx'` multiplies by n as for
 * PageRank), then a = Aᵀh / Σ. Throws ConvergenceError unless `onNonConvergence: 'return'`. Uses
 * arc weights by default (NetworkX's adjacency matrix takes 'weight'). Undirected graphs have
 * hubs = authorities. A graph without arcs has no hubs or authorities: both vectors are all zero
 * (converged, 0 iterations); n = 0 returns empty vectors (NetworkX returns two empty dicts). When
 * the top singular value is repeated (e.g. identical disconnected components) the vectors depend
 * on the start, as the SVD's do.
 *
 * Cost: O(n + m) per iteration (one pass over in-arrays, one over out-arrays); converges at rate
 * (σ₂/σ₁)² per iteration.
 *
 * Reference: J. Kleinberg, "Authoritative sources in a hyperlinked environment", J. ACM 46 (1999).
 * Why our own: graphology-metrics' HITS walks the object graph and is slow at scale.
 */

import type { CsrGraph } from './csr.js';
import { RowGather } from './gather.js';
import { checkpoint } from './control.js';
import { failConvergence, resolveIteration, type IterationOptions } from './iteration.js';

export interface HitsOptions extends IterationOptions {
  /** Use arc weights (default true, as NetworkX's adjacency matrix). */
  weighted?: boolean;
}

export interface HitsResult {
  hubs: Float64Array;
  authorities: Float64Array;
  iterations: number;
  converged: boolean;
  delta: number;
}

export function hits(g: CsrGraph, options: HitsOptions = {}): HitsResult {
  const n = g.n;
  const it = resolveIteration(options, n, { tol: 1e-8, stopping: 'strict' });
  if (n === 0 || g.m === 0) {
    return { hubs: new Float64Array(n), authorities: new Float64Array(n), iterations: 0, converged: true, delta: 0 };
  }
  const weighted = options.weighted ?? true;
  const { outOffsets, outTargets, inOffsets, inSources } = g;
  const outW = weighted ? g.outWeights : null;
  const inW = weighted ? g.inWeights : null;

  let h = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  const a = new Float64Array(n);
  const gather = new RowGather(n);
  const authorities = (): void => gather.run(inOffsets, inSources, inW, h, a);

  let delta = Infinity;
  let iterations = 0;
  let converged = false;
  for (let iter = 1; iter <= it.maxIter; iter++) {
    checkpoint(options.control, iter - 1, it.maxIter);
    authorities();
    gather.run(outOffsets, outTargets, outW, a, next);
    let sum = 0;
    for (let u = 0; u < n; u++) sum += next[u];
    iterations = iter;
    if (!(sum > 0)) {
      // Only zero-weight arcs: nothing to rank.
      return { hubs: new Float64Array(n), authorities: new Float64Array(n), iterations, converged: true, delta: 0 };
    }
    let err = 0;
    for (let u = 0; u < n; u++) {
      const y = next[u] / sum;
      next[u] = y;
      const d = y - h[u];
      err += d < 0 ? -d : d;
    }
    const t = h;
    h = next;
    next = t;
    delta = err;
    if (err < it.threshold) {
      converged = true;
      break;
    }
  }
  if (!converged) failConvergence('hits', it, delta);
  authorities();
  let asum = 0;
  for (let v = 0; v < n; v++) asum += a[v];
  if (asum > 0) for (let v = 0; v < n; v++) a[v] /= asum;
  return { hubs: h, authorities: a, iterations, converged, delta };
}
