/**
 * Speed of the analytics kernel on a Barabási–Albert-like directed graph.
 *
 *   npx tsx bench/analytics/kernel.ts --nodes 100000 --edges 1000000 [--seed 1] [--samples 64] [--repeat 3]
 *
 * The graph: preferential attachment (each new node links to ~edges/nodes earlier nodes chosen
 * with probability proportional to degree, via the repeated-endpoints list), each link oriented
 * at random, node ids shuffled — all from the seeded PRNG, so every run times the same graph.
 * Prints one line per step — wall time of the call alone, the median of --repeat runs (default 1)
 * — and the peak RSS of the process.
 * `baseline power iteration` is a bare typed-array power iteration with the same iteration count, the
 * yardstick for "PageRank within 2× of a tight loop". Not a test: no assertion on time.
 */

import { performance } from 'node:perf_hooks';
import {
  betweenness,
  buildCsr,
  closeness,
  clustering,
  eigenvector,
  harmonic,
  hits,
  kcore,
  louvain,
  pagerank,
  stronglyConnectedComponents,
  toUndirected,
  weaklyConnectedComponents,
  type CsrGraph,
} from '../../src/analytics/index.js';
import { barabasiAlbert } from './ba-graph.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

const nodes = arg('nodes', 100_000);
const edges = arg('edges', 1_000_000);
const seed = arg('seed', 1);
const samples = arg('samples', 64);
const repeat = Math.round(arg('repeat', 1));

function time<T>(label: string, fn: () => T, detail?: (r: T) => string): T {
  const times: number[] = [];
  let r: T | undefined;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    r = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor((times.length - 1) / 2)];
  const result = r as T;
  console.log(`${label.padEnd(40)} ${(ms / 1000).toFixed(3).padStart(8)} s${detail ? '   ' + detail(result) : ''}`);
  return result;
}

/**
 * The yardstick: a bare pull power iteration, unweighted, uniform teleport, fixed iterations,
 * with the L1 change every stopping rule needs.
 */
function baselinePagerank(g: CsrGraph, iterations: number): Float64Array {
  const { n, outOffsets, inOffsets, inSources } = g;
  let x = new Float64Array(n).fill(1 / n);
  let y = new Float64Array(n);
  const c = new Float64Array(n);
  const inv = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    const d = outOffsets[u + 1] - outOffsets[u];
    inv[u] = d > 0 ? 1 / d : 0;
  }
  for (let it = 0; it < iterations; it++) {
    let dangling = 0;
    for (let u = 0; u < n; u++) {
      c[u] = x[u] * inv[u];
      if (inv[u] === 0) dangling += x[u];
    }
    const base = (0.85 * dangling + 0.15) / n;
    let err = 0;
    for (let v = 0; v < n; v++) {
      let s = 0;
      for (let q = inOffsets[v], e = inOffsets[v + 1]; q < e; q++) s += c[inSources[q]];
      y[v] = 0.85 * s + base;
      err += Math.abs(y[v] - x[v]);
    }
    if (err < 0) break;
    const t = x;
    x = y;
    y = t;
  }
  return x;
}

console.log(`analytics kernel bench: ${nodes} nodes, ${edges} edges (BA-like, directed), seed ${seed}, median of ${repeat}, node ${process.version}`);
const { src, dst } = time('generate edge list', () => barabasiAlbert(nodes, edges, seed));
const g = time('buildCsr', () => buildCsr(nodes, src, dst), (r) => `${r.m} arcs after merging`);
const u = time('toUndirected', () => toUndirected(g), (r) => `${r.m} arcs`);
const pr = time('pagerank (NetworkX rule, tol 1e-9)', () => pagerank(g, { tol: 1e-9 }), (r) => `${r.iterations} iterations`);
const strict = time('pagerank (strict, tol 1e-10)', () => pagerank(g, { tol: 1e-10, stopping: 'strict', maxIter: 1000 }), (r) => `${r.iterations} iterations`);
// Both warm now: compare per-iteration cost on equal terms.
time('pagerank again (warm, strict 1e-10)', () => pagerank(g, { tol: 1e-10, stopping: 'strict', maxIter: 1000 }), (r) => `${r.iterations} iterations`);
baselinePagerank(g, 3);
time('baseline power iteration (warm, same)', () => baselinePagerank(g, strict.iterations));
void pr;
time(`betweenness (${samples} sampled sources)`, () => betweenness(g, { k: samples, seed: 1 }), (r) => `errorBound ${r.errorBound.toFixed(3)}`);
time(`closeness (${samples} sampled sources)`, () => closeness(g, { samples, seed: 1 }));
time(`harmonic (${samples} sampled sources)`, () => harmonic(g, { samples, seed: 1 }));
time('louvain (undirected view)', () => louvain(g), (r) => `${r.count} communities, Q = ${r.modularity.toFixed(4)}, ${r.levels} levels`);
time('kcore', () => kcore(g), (r) => `max core ${r.reduce((a, b) => Math.max(a, b), 0)}`);
time('weakly connected components', () => weaklyConnectedComponents(g), (r) => `${r.count} components`);
time('strongly connected components', () => stronglyConnectedComponents(g), (r) => `${r.count} components`);
time('eigenvector (NetworkX rule, tol 1e-6)', () => eigenvector(g, { onNonConvergence: 'return', maxIter: 1000 }), (r) => `${r.iterations} iterations, converged ${r.converged}`);
time('hits (tol 1e-8)', () => hits(g, { onNonConvergence: 'return', maxIter: 1000 }), (r) => `${r.iterations} iterations, converged ${r.converged}`);
time('clustering (triangles)', () => clustering(u), (r) => `${r.totalTriangles} triangles, transitivity ${r.transitivity.toFixed(5)}`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
