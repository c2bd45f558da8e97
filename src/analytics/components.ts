/**
 * Weakly and strongly connected components.
 *
 * Definitions (NetworkX `weakly_connected_components`, `strongly_connected_components`; on an
 * undirected graph both are its connected components): weak components ignore arc direction;
 * strong components are maximal sets in which every node reaches every other along arcs. Each
 * result labels every node with a component id 0..count−1, ids numbered in order of each
 * component's smallest node index (so labels are canonical and deterministic), plus sizes.
 * Every isolated node is its own component; n = 0 gives count 0.
 *
 * Cost: weak — union-find with union by size and path halving over the out-arcs,
 * O(m α(n)) time, O(n) memory. Strong — Tarjan's algorithm written iteratively (an explicit call
 * stack, so 1M-node paths cannot overflow the JS stack), O(n + m) time, O(n) memory.
 *
 * Reference: R. E. Tarjan, "Depth-first search and linear graph algorithms", SIAM J. Comput. 1
 * (1972); R. E. Tarjan, "Efficiency of a good but not linear set union algorithm", J. ACM 22
 * (1975). Why our own: graphology-components is not installed and walks the object graph.
 */

import type { CsrGraph } from './csr.js';

export interface ComponentsResult {
  /** Component id of each node. */
  labels: Int32Array;
  count: number;
  /** sizes[c] = number of nodes in component c. */
  sizes: Int32Array;
}

export function weaklyConnectedComponents(g: CsrGraph): ComponentsResult {
  const n = g.n;
  const parent = new Int32Array(n);
  const size = new Int32Array(n).fill(1);
  for (let v = 0; v < n; v++) parent[v] = v;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const { outOffsets, outTargets } = g;
  for (let u = 0; u < n; u++) {
    for (let p = outOffsets[u], e = outOffsets[u + 1]; p < e; p++) {
      let a = find(u);
      let b = find(outTargets[p]);
      if (a === b) continue;
      if (size[a] < size[b]) {
        const t = a;
        a = b;
        b = t;
      }
      parent[b] = a;
      size[a] += size[b];
    }
  }
  const roots = new Int32Array(n);
  for (let v = 0; v < n; v++) roots[v] = find(v);
  return canonical(roots, n);
}

export function stronglyConnectedComponents(g: CsrGraph): ComponentsResult {
  const n = g.n;
  const { outOffsets, outTargets } = g;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n); // Tarjan's stack of visited, unassigned nodes
  const calls = new Int32Array(n); // explicit DFS call stack
  const next = new Int32Array(n); // next out-arc to explore, per node
  const comp = new Int32Array(n);
  let sp = 0;
  let counter = 0;
  let compCount = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let cp = 0;
    calls[cp++] = root;
    index[root] = low[root] = counter++;
    stack[sp++] = root;
    onStack[root] = 1;
    next[root] = outOffsets[root];
    while (cp > 0) {
      const v = calls[cp - 1];
      if (next[v] < outOffsets[v + 1]) {
        const w = outTargets[next[v]++];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          next[w] = outOffsets[w];
          calls[cp++] = w;
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      cp--;
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp];
          onStack[w] = 0;
          comp[w] = compCount;
        } while (w !== v);
        compCount++;
      }
      if (cp > 0) {
        const parent = calls[cp - 1];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
    }
  }
  return canonical(comp, n);
}

/** Relabel arbitrary representative ids to 0..count−1 in order of smallest member. */
function canonical(raw: Int32Array, n: number): ComponentsResult {
  const map = new Int32Array(n).fill(-1);
  const labels = new Int32Array(n);
  let count = 0;
  for (let v = 0; v < n; v++) {
    const r = raw[v];
    if (map[r] === -1) map[r] = count++;
    labels[v] = map[r];
  }
  const sizes = new Int32Array(count);
  for (let v = 0; v < n; v++) sizes[labels[v]]++;
  return { labels, count, sizes };
}
