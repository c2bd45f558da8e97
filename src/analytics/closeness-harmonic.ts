/**
 * Closeness and harmonic centrality from one set of searches. Both are sums over the distances
 * d(v, u) into each node u (see closeness.ts and harmonic.ts for the definitions, the
 * Wasserman–Faust correction and the sampled estimators): one forward search from each source v
 * adds, for every node u it reaches, 1 to the count of sources reaching u, d(v, u) to their total
 * distance and 1/d(v, u) to the harmonic sum. The sources (every node, or the seeded sample) are
 * resolved exactly as each measure resolves them alone, so the results equal `closeness(g, o)`
 * and `harmonic(g, o)` for the same options (bit for bit on hop counts; weighted closeness may
 * differ in the last bits, the distances being summed in another order) at the cost of one of
 * them.
 *
 * Cost: O(n·m) exact, O(k·m) sampled (O((n + m) log n) per source weighted); O(n) memory.
 * Reference: U. Brandes, "A faster algorithm for betweenness centrality" (2001) for the
 * one-search-per-source accumulation; D. Eppstein and J. Wang, "Fast approximation of
 * centrality", J. Graph Algorithms Appl. 8 (2004) for the sampling.
 */

import type { ClosenessOptions, SampledScores } from './closeness.js';
import { checkpoint, type KernelControl } from './control.js';
import type { OutArcs } from './csr.js';
import { bitsetWords, drainLevel } from './level-order.js';
import { resolveSources } from './sampling.js';
import { ShortestPathWorkspace } from './shortest-paths.js';

export function closenessAndHarmonic(g: OutArcs, options: ClosenessOptions = {}): { closeness: SampledScores; harmonic: SampledScores } {
  const n = g.n;
  const wf = options.wfImproved ?? true;
  const closeness = new Float64Array(n);
  const harmonic = new Float64Array(n);
  if (n <= 1) return { closeness: { scores: closeness, exact: true, samples: n }, harmonic: { scores: harmonic, exact: true, samples: n } };
  const weighted = options.weighted ?? false;
  const sampled = resolveSources(n, options);
  const count = new Float64Array(n);
  const total = new Float64Array(n);
  const k = sampled ? sampled.length : n;
  const sourceAt = (i: number): number => (sampled ? sampled[i] : i);
  if (weighted && g.outWeights) {
    const ws = new ShortestPathWorkspace({ offsets: g.outOffsets, neighbours: g.outTargets, lengths: g.outWeights }, n, false);
    for (let i = 0; i < k; i++) {
      if ((i & 15) === 0) checkpoint(options.control, i, k);
      ws.run(sourceAt(i));
      for (let j = 1; j < ws.reached; j++) {
        const t = ws.order[j];
        const d = ws.dist[t];
        count[t] += 1;
        total[t] += d;
        harmonic[t] += 1 / d;
      }
    }
  } else {
    accumulateHops(g, k, sourceAt, count, total, harmonic, options.control);
  }
  const isSource = new Uint8Array(n);
  if (sampled) for (const s of sampled) isSource[s] = 1;
  else isSource.fill(1);
  for (let u = 0; u < n; u++) {
    if (total[u] > 0) {
      if (sampled) {
        const ku = k - isSource[u];
        closeness[u] = wf ? (count[u] / total[u]) * (count[u] / ku) : count[u] / total[u];
      } else {
        const r = count[u];
        closeness[u] = wf ? (r / total[u]) * (r / (n - 1)) : r / total[u];
      }
    }
    if (sampled) harmonic[u] *= (n - 1) / (k - isSource[u]);
  }
  const exact = sampled === null;
  return { closeness: { scores: closeness, exact, samples: k }, harmonic: { scores: harmonic, exact, samples: k } };
}

/**
 * The hop-count searches, level by level over bitsets (level-order.ts): every node found on level
 * d adds 1, d and 1/d to its sums, the same values in the same order of sources as the
 * distance-array search, so the sums are bit for bit the same.
 */
function accumulateHops(g: OutArcs, k: number, sourceAt: (i: number) => number, count: Float64Array, total: Float64Array, harmonic: Float64Array, control?: KernelControl): void {
  const { outOffsets, outTargets } = g;
  const seen = new Int32Array(bitsetWords(g.n));
  const level = new Int32Array(bitsetWords(g.n));
  const order = new Int32Array(g.n);
  for (let i = 0; i < k; i++) {
    if ((i & 15) === 0) checkpoint(control, i, k);
    seen.fill(0);
    const s = sourceAt(i);
    seen[s >>> 5] |= 1 << (s & 31);
    order[0] = s;
    let head = 0;
    let tail = 1;
    for (let d = 1; head < tail; d++) {
      const end = tail;
      let found = false;
      for (; head < end; head++) {
        const v = order[head];
        for (let p = outOffsets[v], e = outOffsets[v + 1]; p < e; p++) {
          const w = outTargets[p];
          const word = w >>> 5;
          const bit = 1 << (w & 31);
          if ((seen[word] & bit) === 0) {
            seen[word] |= bit;
            level[word] |= bit;
            found = true;
          }
        }
      }
      if (!found) break;
      const first = tail;
      tail = drainLevel(level, order, tail);
      const inverse = 1 / d;
      for (let j = first; j < tail; j++) {
        const t = order[j];
        count[t] += 1;
        total[t] += d;
        harmonic[t] += inverse;
      }
    }
  }
}
