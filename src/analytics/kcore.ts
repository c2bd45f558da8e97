/**
 * Core number of every node (k-core decomposition).
 *
 * Definition: the core number of u is the largest k such that u belongs to the k-core, the
 * maximal subgraph in which every node has at least k neighbours. Computed on the undirected
 * simple view: u and v are neighbours when there is an arc in either direction (a reciprocated
 * pair counts once), weights are ignored and self-loops are skipped. This differs from NetworkX
 * `core_number` in two documented ways: NetworkX refuses graphs with self-loops (we ignore them),
 * and on a DiGraph it uses in + out degree, counting a reciprocated pair twice (we count
 * neighbours). On an undirected graph without self-loops the result equals NetworkX's.
 *
 * Cost: O(n + m) time and memory — bucket sort of nodes by current degree, nodes processed in
 * increasing degree, each neighbour with larger degree moved down one bucket in O(1).
 *
 * Reference: V. Batagelj and M. Zaversnik, "An O(m) algorithm for cores decomposition of
 * networks", arXiv cs/0310049 (2003). Why our own: NetworkX takes 211 s at 1M edges and graphology
 * has no k-core; on the CSR it takes ~0.1 s (perf anchors).
 */

import { toUndirected, type CsrGraph } from './csr.js';

/** Core number per node (Int32Array of length n). */
export function kcore(g: CsrGraph): Int32Array {
  const u = toUndirected(g, { combine: 'max' });
  const n = u.n;
  const { outOffsets: off, outTargets: adj } = u;
  const deg = new Int32Array(n);
  let maxDeg = 0;
  for (let v = 0; v < n; v++) {
    let d = off[v + 1] - off[v];
    for (let p = off[v]; p < off[v + 1]; p++) if (adj[p] === v) d--;
    deg[v] = d;
    if (d > maxDeg) maxDeg = d;
  }
  // bin[d] = first position in `vert` of nodes with current degree d.
  const bin = new Int32Array(maxDeg + 2);
  for (let v = 0; v < n; v++) bin[deg[v] + 1]++;
  for (let d = 0; d <= maxDeg; d++) bin[d + 1] += bin[d];
  const vert = new Int32Array(n);
  const pos = new Int32Array(n);
  const fill = bin.slice(0, maxDeg + 1);
  for (let v = 0; v < n; v++) {
    pos[v] = fill[deg[v]]++;
    vert[pos[v]] = v;
  }
  for (let i = 0; i < n; i++) {
    const v = vert[i];
    const dv = deg[v];
    for (let p = off[v], e = off[v + 1]; p < e; p++) {
      const w = adj[p];
      const dw = deg[w];
      if (dw > dv) {
        // Swap w with the first node of its bucket, then shrink the bucket from the left.
        const pw = pos[w];
        const first = bin[dw];
        const x = vert[first];
        if (x !== w) {
          vert[first] = w;
          pos[w] = first;
          vert[pw] = x;
          pos[x] = pw;
        }
        bin[dw]++;
        deg[w] = dw - 1;
      }
    }
  }
  return deg;
}
