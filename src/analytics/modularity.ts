/**
 * Modularity of a partition of the nodes.
 *
 * Definition (NetworkX `community.modularity`, with `resolution` γ, weights by default):
 * - undirected: Q = Σ_c [ L_c / m − γ (d_c / 2m)² ], where m is the total edge weight, L_c the
 *   weight of edges with both ends in c and d_c the sum of the (weighted) degrees in c. A
 *   self-loop counts once in L_c and twice in a degree, as in NetworkX.
 * - directed (Leicht–Newman): Q = Σ_c [ L_c / m − γ d⁺_c d⁻_c / m² ], with m the total arc
 *   weight and d⁺_c, d⁻_c the out- and in-weights of c.
 * `communities[u]` is the community label of node u: any non-negative integers (they need not be
 * contiguous). Throws EmptyGraphError when the graph has no edge weight (m = 0: Q is undefined;
 * NetworkX divides by zero) and InvalidArgumentError for a bad label array.
 *
 * Cost: O(n + m) time, O(n + number of labels) memory.
 * Reference: M. E. J. Newman and M. Girvan, "Finding and evaluating community structure in
 * networks", Phys. Rev. E 69 (2004); resolution: J. Reichardt and S. Bornholdt, Phys. Rev. E 74
 * (2006); directed: E. A. Leicht and M. E. J. Newman, Phys. Rev. Lett. 100 (2008).
 */

import type { CsrGraph } from './csr.js';
import { EmptyGraphError, InvalidArgumentError } from './errors.js';

export interface ModularityOptions {
  /** γ, default 1. Larger favours smaller communities. */
  resolution?: number;
  /** Use arc weights (default true, as NetworkX weight='weight'). */
  weighted?: boolean;
}

export function modularity(
  g: CsrGraph,
  communities: ArrayLike<number>,
  options: ModularityOptions = {},
): number {
  const n = g.n;
  const gamma = options.resolution ?? 1;
  if (!Number.isFinite(gamma)) throw new InvalidArgumentError(`resolution must be finite, got ${gamma}`);
  if (communities.length !== n) {
    throw new InvalidArgumentError(`partition has ${communities.length} labels for ${n} nodes`);
  }
  const labels = compactLabels(communities, n);
  let count = 0;
  for (let u = 0; u < n; u++) if (labels[u] + 1 > count) count = labels[u] + 1;
  const weights = (options.weighted ?? true) ? g.outWeights : null;
  const { outOffsets, outTargets } = g;
  const inside = new Float64Array(count);
  const dOut = new Float64Array(count);
  const dIn = new Float64Array(count);
  let total = 0;
  for (let u = 0; u < n; u++) {
    const cu = labels[u];
    for (let p = outOffsets[u], e = outOffsets[u + 1]; p < e; p++) {
      const v = outTargets[p];
      const w = weights ? weights[p] : 1;
      const cv = labels[v];
      if (g.directed) {
        total += w;
        dOut[cu] += w;
        dIn[cv] += w;
        if (cu === cv) inside[cu] += w;
      } else if (v === u) {
        total += w; // edge weight, counted once
        dOut[cu] += 2 * w; // a loop adds twice its weight to the degree
        inside[cu] += w;
      } else {
        total += w / 2; // each edge is two arcs
        dOut[cu] += w;
        if (cu === cv) inside[cu] += w / 2;
      }
    }
  }
  if (!(total > 0)) throw new EmptyGraphError('modularity (graph without edge weight)');
  let q = 0;
  for (let c = 0; c < count; c++) {
    q += g.directed
      ? inside[c] / total - (gamma * dOut[c] * dIn[c]) / (total * total)
      : inside[c] / total - gamma * (dOut[c] / (2 * total)) ** 2;
  }
  return q;
}

/** Labels as 0..k−1 (order of first appearance) when they are sparse; validated. */
function compactLabels(communities: ArrayLike<number>, n: number): Int32Array {
  let max = -1;
  for (let u = 0; u < n; u++) {
    const c = communities[u];
    if (!Number.isInteger(c) || c < 0) throw new InvalidArgumentError(`node ${u} has community label ${c}; labels must be integers >= 0`);
    if (c > max) max = c;
  }
  const out = new Int32Array(n);
  if (max < 4 * n + 16) {
    for (let u = 0; u < n; u++) out[u] = communities[u];
    return out;
  }
  const map = new Map<number, number>();
  for (let u = 0; u < n; u++) {
    const c = communities[u];
    let id = map.get(c);
    if (id === undefined) {
      id = map.size;
      map.set(c, id);
    }
    out[u] = id;
  }
  return out;
}
