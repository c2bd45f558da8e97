/**
 * Harmonic centrality (not normalised).
 *
 * Definition (NetworkX `harmonic_centrality`): H(u) = Σ_{v ≠ u} 1 / d(v, u), with 1/∞ = 0, so
 * disconnected graphs need no correction. On a directed graph d(v, u) is the distance from v to
 * u (paths *into* u), as NetworkX computes it; outward harmonic centrality is
 * `harmonic(reverse(g))`. Not divided by n − 1 (NetworkX does not normalise it either).
 * Unweighted by default; `weighted: true` uses arc weights as lengths (Dijkstra, weights > 0).
 *
 * Exact: a forward search from every source v adds 1/d(v, u) to each node u it reaches; O(n·m).
 * Above `maxExactNodes` (default 5000), or when `samples` < n is given, the result is an
 * ESTIMATE: only k sources drawn with `seed` are searched and each sum is scaled by (n−1)/k_u,
 * k_u = k (k − 1 when u was itself sampled) — an unbiased estimate of H(u) (note NetworkX's own
 * `sources=` argument does not rescale). Cost O(k·m).
 *
 * Reference: M. Marchiori and V. Latora, "Harmony in the small-world", Physica A 285 (2000);
 * P. Boldi and S. Vigna, "Axioms for centrality", Internet Mathematics 10 (2014). Why our own:
 * graphology has no harmonic centrality over typed arrays and no sampling.
 */

import type { CsrGraph } from './csr.js';
import { checkpoint } from './control.js';
import { resolveSources, type SourceSamplingOptions } from './sampling.js';
import { ShortestPathWorkspace } from './shortest-paths.js';
import type { SampledScores } from './closeness.js';

export interface HarmonicOptions extends SourceSamplingOptions {
  /** Default false (hops). True: arc weights are lengths (must be > 0). */
  weighted?: boolean;
}

export function harmonic(g: CsrGraph, options: HarmonicOptions = {}): SampledScores {
  const n = g.n;
  const scores = new Float64Array(n);
  if (n <= 1) return { scores, exact: true, samples: n };
  const weighted = options.weighted ?? false;
  const sampled = resolveSources(n, options);
  const ws = new ShortestPathWorkspace(
    { offsets: g.outOffsets, neighbours: g.outTargets, lengths: weighted ? g.outWeights : null },
    n,
    false,
  );
  const k = sampled ? sampled.length : n;
  for (let i = 0; i < k; i++) {
    if ((i & 15) === 0) checkpoint(options.control, i, k);
    ws.run(sampled ? sampled[i] : i);
    for (let j = 1; j < ws.reached; j++) {
      const t = ws.order[j];
      scores[t] += 1 / ws.dist[t];
    }
  }
  if (sampled === null) return { scores, exact: true, samples: n };
  const isSource = new Uint8Array(n);
  for (const s of sampled) isSource[s] = 1;
  for (let u = 0; u < n; u++) scores[u] *= (n - 1) / (k - isSource[u]);
  return { scores, exact: false, samples: k };
}
