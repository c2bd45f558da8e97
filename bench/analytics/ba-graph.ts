/**
 * The benches' test graph: Barabási–Albert-like preferential attachment (each new node links to
 * about edges/nodes earlier nodes chosen with probability proportional to degree, via the
 * repeated-endpoints list), each link oriented at random, node ids shuffled — all from the seeded
 * PRNG, so every run of a bench times the same graph.
 */
import { createRng } from '../../src/analytics/index.js';

export function barabasiAlbert(n: number, e: number, s: number): { src: Int32Array; dst: Int32Array } {
  const rng = createRng(s);
  const per = Math.max(1, Math.round(e / n));
  const src = new Int32Array(e);
  const dst = new Int32Array(e);
  const ends = new Int32Array(2 * e); // every endpoint so far: degree-proportional sampling
  let endCount = 0;
  let k = 0;
  const core = per + 1;
  for (let v = 1; v < core && k < e; v++) {
    for (let u = 0; u < v && k < e; u++) {
      src[k] = u;
      dst[k] = v;
      ends[endCount++] = u;
      ends[endCount++] = v;
      k++;
    }
  }
  for (let v = core; v < n && k < e; v++) {
    for (let j = 0; j < per && k < e; j++) {
      const u = ends[rng.nextInt(endCount)];
      src[k] = v;
      dst[k] = u;
      k++;
    }
    for (let j = k - Math.min(per, k); j < k; j++) {
      ends[endCount++] = src[j];
      ends[endCount++] = dst[j];
    }
  }
  // Fill any remainder with preferential links between existing nodes.
  while (k < e) {
    const a = ends[rng.nextInt(endCount)];
    const b = ends[rng.nextInt(endCount)];
    if (a === b) continue;
    src[k] = a;
    dst[k] = b;
    k++;
  }
  // Random orientation and shuffled ids.
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (let i = 0; i < e; i++) {
    let a = perm[src[i]];
    let b = perm[dst[i]];
    if (rng.next() < 0.5) {
      const t = a;
      a = b;
      b = t;
    }
    src[i] = a;
    dst[i] = b;
  }
  return { src, dst };
}
