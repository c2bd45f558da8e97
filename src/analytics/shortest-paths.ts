/**
 * Single-source shortest paths on a CSR, reusable across many sources: breadth-first search
 * (unweighted, every arc has length 1) or Dijkstra with a binary heap (arc weights are lengths).
 * Records, for the source s, the nodes in non-decreasing distance order, their distance and
 * — when asked — σ_s(v), the number of shortest s→v paths (Brandes' forward phase). Shared by
 * betweenness, closeness and harmonic centrality.
 *
 * Conventions: a search follows the arcs it is given (pass the in-arrays to search "backwards",
 * i.e. distances *to* s). Weighted searches require every arc length > 0 (checked once per
 * workspace): with zero-length arcs "shortest path" counts become ill-defined.
 * Path counts are compared for equality of distance exactly, as NetworkX does (`dist[v] + w ==
 * dist[w]`), so floating-point ties behave the same way.
 *
 * Cost: BFS O(n + m) per source; Dijkstra O((n + m) log n) per source. Memory O(n), allocated
 * once per workspace; resetting between sources touches only the nodes the last search reached.
 *
 * Reference: E. F. Moore, "The shortest path through a maze" (1959); E. W. Dijkstra, "A note on
 * two problems in connexion with graphs", Numerische Mathematik 1 (1959).
 */

import { InvalidArgumentError } from './errors.js';
import { IndexedMinHeap } from './heap.js';

export interface Adjacency {
  offsets: Int32Array;
  neighbours: Int32Array;
  /** Arc lengths, or null for unit lengths (BFS). */
  lengths: Float64Array | null;
}

export class ShortestPathWorkspace {
  /** Nodes reached by the last search, in order of non-decreasing distance; `reached` of them. */
  readonly order: Int32Array;
  reached = 0;
  /** Distance from the source (Infinity when unreached). */
  readonly dist: Float64Array;
  /** Number of shortest paths from the source (only filled when `countPaths`). */
  readonly sigma: Float64Array;
  private readonly heap: IndexedMinHeap | null;

  constructor(
    private readonly adj: Adjacency,
    n: number,
    private readonly countPaths: boolean,
  ) {
    this.order = new Int32Array(n);
    this.dist = new Float64Array(n).fill(Infinity);
    this.sigma = new Float64Array(countPaths ? n : 0);
    if (adj.lengths) {
      for (let p = 0; p < adj.lengths.length; p++) {
        if (!(adj.lengths[p] > 0)) {
          throw new InvalidArgumentError('weighted shortest paths need every arc weight > 0 (weights are lengths)');
        }
      }
      this.heap = new IndexedMinHeap(n);
    } else {
      this.heap = null;
    }
  }

  run(source: number): void {
    const { order, dist } = this;
    for (let i = 0; i < this.reached; i++) dist[order[i]] = Infinity;
    if (this.heap) this.dijkstra(source);
    else this.bfs(source);
  }

  private bfs(s: number): void {
    const { order, dist, sigma, countPaths } = this;
    const { offsets, neighbours } = this.adj;
    dist[s] = 0;
    if (countPaths) sigma[s] = 1;
    order[0] = s;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const v = order[head++];
      const dv = dist[v] + 1;
      const sv = countPaths ? sigma[v] : 0;
      for (let p = offsets[v], e = offsets[v + 1]; p < e; p++) {
        const w = neighbours[p];
        const dw = dist[w];
        if (dw === Infinity) {
          dist[w] = dv;
          order[tail++] = w;
          if (countPaths) sigma[w] = sv;
        } else if (countPaths && dw === dv) {
          sigma[w] += sv;
        }
      }
    }
    this.reached = tail;
  }

  private dijkstra(s: number): void {
    const { order, dist, sigma, countPaths } = this;
    const heap = this.heap as IndexedMinHeap;
    const { offsets, neighbours } = this.adj;
    const lengths = this.adj.lengths as Float64Array;
    // `dist` holds tentative distances; a node is final once popped (recorded in `order`).
    heap.clear();
    dist[s] = 0;
    if (countPaths) sigma[s] = 1;
    heap.pushOrDecrease(s, 0);
    let count = 0;
    // Nodes touched but never popped cannot exist at the end (heap drains), so `order` lists
    // exactly the reached nodes.
    while (heap.size > 0) {
      const v = heap.pop();
      order[count++] = v;
      const dv = dist[v];
      const sv = countPaths ? sigma[v] : 0;
      for (let p = offsets[v], e = offsets[v + 1]; p < e; p++) {
        const w = neighbours[p];
        const nd = dv + lengths[p];
        const dw = dist[w];
        if (nd < dw) {
          dist[w] = nd;
          if (countPaths) sigma[w] = sv;
          heap.pushOrDecrease(w, nd);
        } else if (countPaths && nd === dw && heap.has(w)) {
          sigma[w] += sv;
        }
      }
    }
    this.reached = count;
  }
}
