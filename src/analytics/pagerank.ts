/**
 * PageRank (and personalised PageRank) by weighted power iteration.
 *
 * Definition (NetworkX `pagerank`, identical fixed point and iterates): with W the row-stochastic
 * matrix W[u][v] = w(u→v) / Σ_x w(u→x), personalization p (sums to 1; uniform by default) and
 * dangling distribution d (defaults to p), the iterate is
 *     x'[v] = α · ( Σ_u x[u]·W[u][v]  +  (Σ_{u dangling} x[u]) · d[v] )  +  (1 − α) · p[v]
 * starting from x = 1/n (or `nstart`, normalised). A node is dangling when its total out-weight is
 * 0 (no out-arcs, or only zero-weight ones). No renormalisation between iterations, as NetworkX.
 * Undirected graphs are treated as their symmetric directed version (NetworkX converts with
 * `to_directed`); a self-loop is one arc u→u and keeps its share of u's rank.
 * Stopping: NetworkX's rule ‖x' − x‖₁ < n·tol by default (tol 1e-6, maxIter 100), or
 * `stopping: 'strict'` for ‖x' − x‖₁ < tol — see iteration.ts. Throws ConvergenceError after
 * maxIter unless `onNonConvergence: 'return'`. n = 0 returns empty scores (NetworkX returns {}).
 *
 * Cost: O(n + m) per iteration, O(n) extra memory; the iteration count grows like
 * log(tol)/log(α). Implemented as a "pull" over the in-arrays (each node sums its in-neighbours'
 * pre-divided rank, gather.ts), so the inner loop is sequential reads of two typed arrays and one write.
 *
 * Reference: L. Page, S. Brin, R. Motwani, T. Winograd, "The PageRank citation ranking: bringing
 * order to the web", Stanford InfoLab (1999); personalised variant: T. Haveliwala, "Topic-sensitive
 * PageRank", WWW 2002. Why our own: graphology-metrics' PageRank rebuilds its neighbourhood index
 * from the object graph on every call (3.4 s at 1M edges vs ~0.1 s for this loop, perf anchors)
 * and has no personalisation vector.
 */

import type { CsrGraph } from './csr.js';
import { InvalidArgumentError } from './errors.js';
import { checkpoint } from './control.js';
import { RowGather } from './gather.js';
import { failConvergence, resolveIteration, type IterationOptions, type IterationResult } from './iteration.js';

export interface PagerankOptions extends IterationOptions {
  /** Damping factor α in [0, 1). Default 0.85. */
  alpha?: number;
  /** Use arc weights (default true, as NetworkX `weight='weight'`). False: every arc weighs 1. */
  weighted?: boolean;
  /** Personalisation: node index → non-negative weight; missing nodes get 0; normalised to sum 1. */
  personalization?: ReadonlyMap<number, number>;
  /** Where dangling nodes' rank goes: node index → weight (normalised). Default: personalization. */
  dangling?: ReadonlyMap<number, number>;
  /** Starting vector (length n, normalised to sum 1). Default uniform. */
  nstart?: Float64Array;
}

export type PagerankResult = IterationResult;

/**
 * Defaults of every option, in one place: NetworkX's (tol 1e-6 with its n-scaled stopping rule,
 * 100 iterations), and the stricter ones for scores that must hold at scale (`strict`, used by
 * analytics runs).
 */
export const PAGERANK_DEFAULTS = {
  alpha: 0.85,
  tol: 1e-6,
  maxIter: 100,
  stopping: 'networkx',
  weighted: true,
  strict: { tol: 1e-9, maxIter: 200, stopping: 'strict' },
} as const;

export function pagerank(g: CsrGraph, options: PagerankOptions = {}): PagerankResult {
  const n = g.n;
  const alpha = options.alpha ?? PAGERANK_DEFAULTS.alpha;
  if (!(alpha >= 0 && alpha < 1)) throw new InvalidArgumentError(`alpha must be in [0, 1), got ${alpha}`);
  const it = resolveIteration({ maxIter: PAGERANK_DEFAULTS.maxIter, ...options }, n, PAGERANK_DEFAULTS);
  if (n === 0) return { scores: new Float64Array(0), iterations: 0, converged: true, delta: 0 };

  const weighted = (options.weighted ?? PAGERANK_DEFAULTS.weighted) && g.inWeights !== null;
  const { outOffsets, inOffsets, inSources } = g;
  const inWeights = weighted ? g.inWeights : null;
  const outWeights = weighted ? g.outWeights : null;

  // Inverse out-weight of each node (0 for dangling nodes) and the dangling list.
  const inv = new Float64Array(n);
  let danglingCount = 0;
  for (let u = 0; u < n; u++) {
    let s: number;
    if (outWeights) {
      s = 0;
      for (let p = outOffsets[u], e = outOffsets[u + 1]; p < e; p++) s += outWeights[p];
    } else {
      s = outOffsets[u + 1] - outOffsets[u];
    }
    if (s > 0) inv[u] = 1 / s;
    else danglingCount++;
  }
  const dangling = new Int32Array(danglingCount);
  for (let u = 0, k = 0; u < n; u++) if (inv[u] === 0) dangling[k++] = u;

  // p === null means "uniform teleport and uniform dangling" (the fast path below).
  const p = options.personalization
    ? denseDistribution(options.personalization, n, 'personalization')
    : options.dangling
      ? new Float64Array(n).fill(1 / n)
      : null;
  const d = options.dangling ? denseDistribution(options.dangling, n, 'dangling') : p;

  let x = new Float64Array(n);
  if (options.nstart) {
    if (options.nstart.length !== n) throw new InvalidArgumentError(`nstart has length ${options.nstart.length}, expected ${n}`);
    let s = 0;
    for (let i = 0; i < n; i++) s += options.nstart[i];
    if (!(s > 0)) throw new InvalidArgumentError('nstart must have a positive sum');
    for (let i = 0; i < n; i++) x[i] = options.nstart[i] / s;
  } else {
    x.fill(1 / n);
  }
  let next = new Float64Array(n);
  const contrib = new Float64Array(n);
  const gather = new RowGather(n);
  const uniform = 1 / n;
  const teleport = 1 - alpha;

  let delta = Infinity;
  for (let iter = 1; iter <= it.maxIter; iter++) {
    checkpoint(options.control, iter - 1, it.maxIter);
    let danglingSum = 0;
    for (let k = 0; k < danglingCount; k++) danglingSum += x[dangling[k]];
    for (let u = 0; u < n; u++) contrib[u] = x[u] * inv[u];
    const ad = alpha * danglingSum;
    const base = ad * uniform + teleport * uniform; // used when p and d are uniform

    // next[v] = Σ contrib[u]·w(u→v) first (RowGather: the plain loop's sums, cache-friendly at scale).
    gather.run(inOffsets, inSources, inWeights, contrib, next);
    let err = 0;
    if (p === null) {
      // Uniform teleport and dangling distribution: one constant per iteration.
      for (let v = 0; v < n; v++) {
        const xv = alpha * next[v] + base;
        next[v] = xv;
        err += Math.abs(xv - x[v]);
      }
    } else {
      const dd = d as Float64Array;
      for (let v = 0; v < n; v++) {
        const xv = alpha * next[v] + ad * dd[v] + teleport * p[v];
        next[v] = xv;
        err += Math.abs(xv - x[v]);
      }
    }
    const t = x;
    x = next;
    next = t;
    delta = err;
    if (err < it.threshold) return { scores: x, iterations: iter, converged: true, delta };
  }
  failConvergence('pagerank', it, delta);
  return { scores: x, iterations: it.maxIter, converged: false, delta };
}

/** Sparse index→weight map to a dense distribution summing to 1 (validated). */
function denseDistribution(map: ReadonlyMap<number, number>, n: number, name: string): Float64Array {
  const out = new Float64Array(n);
  let sum = 0;
  for (const [node, w] of map) {
    if (!Number.isInteger(node) || node < 0 || node >= n) {
      throw new InvalidArgumentError(`${name} names node ${node}, outside 0..${n - 1}`);
    }
    if (!(w >= 0) || !Number.isFinite(w)) throw new InvalidArgumentError(`${name} weight of node ${node} is ${w}; must be finite and >= 0`);
    out[node] += w;
    sum += w;
  }
  if (!(sum > 0)) throw new InvalidArgumentError(`${name} weights must have a positive sum`);
  for (let i = 0; i < n; i++) out[i] /= sum;
  return out;
}
