/**
 * The community graph of a laid-out graph: one node per community at the centroid of its
 * members' positions, with its size, and one undirected edge per pair of communities joined by
 * any arc, weighted by the summed arc weights between them (both directions). Customers without a
 * community (id < 0) are left out.
 *
 * Cost: O(n + m) time, O(communities + community pairs) memory.
 */
import type { CsrGraph } from './csr.js';

export interface CommunityPoint {
  id: number;
  size: number;
  x: number;
  y: number;
}

export interface CommunityTie {
  source: number;
  target: number;
  /** Summed arc weights between the two communities. */
  weight: number;
  /** Number of arcs between them. */
  arcs: number;
}

export interface CommunityGraph {
  communities: CommunityPoint[];
  ties: CommunityTie[];
}

export function aggregateCommunities(csr: CsrGraph, community: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>): CommunityGraph {
  const points = new Map<number, CommunityPoint>();
  for (let i = 0; i < csr.n; i++) {
    const c = community[i];
    if (!(c >= 0)) continue;
    let p = points.get(c);
    if (!p) points.set(c, (p = { id: c, size: 0, x: 0, y: 0 }));
    p.size++;
    p.x += x[i];
    p.y += y[i];
  }
  for (const p of points.values()) {
    p.x /= p.size;
    p.y /= p.size;
  }
  const ties = new Map<string, CommunityTie>();
  for (let u = 0; u < csr.n; u++) {
    const cu = community[u];
    if (!(cu >= 0)) continue;
    for (let a = csr.outOffsets[u]; a < csr.outOffsets[u + 1]; a++) {
      const cv = community[csr.outTargets[a]];
      if (!(cv >= 0) || cv === cu) continue;
      const source = Math.min(cu, cv);
      const target = Math.max(cu, cv);
      const key = `${source}:${target}`;
      let t = ties.get(key);
      if (!t) ties.set(key, (t = { source, target, weight: 0, arcs: 0 }));
      t.weight += csr.outWeights ? csr.outWeights[a] : 1;
      t.arcs++;
    }
  }
  const communities = [...points.values()].sort((a, b) => b.size - a.size || a.id - b.id);
  return { communities, ties: [...ties.values()].sort((a, b) => b.weight - a.weight || a.source - b.source || a.target - b.target) };
}
