// Small diffusion graphs with known best seeds, shared by the campaign kernel tests.
import { diffusionGraphFromArcs, type DiffusionGraph } from '../../../../src/analytics/campaign/index.js';
import { createRng } from '../../../../src/analytics/random.js';

export function graph(n: number, arcs: [number, number, number][]): DiffusionGraph {
  return diffusionGraphFromArcs(
    n,
    Int32Array.from(arcs, (a) => a[0]),
    Int32Array.from(arcs, (a) => a[1]),
    Float64Array.from(arcs, (a) => a[2]),
  );
}

/** Disjoint out-stars: centre i·(leaves+1) → its leaves, probability p. */
export function stars(count: number, leaves: number, p: number): { g: DiffusionGraph; centres: number[] } {
  const arcs: [number, number, number][] = [];
  const centres: number[] = [];
  for (let s = 0; s < count; s++) {
    const c = s * (leaves + 1);
    centres.push(c);
    for (let i = 1; i <= leaves; i++) arcs.push([c, c + i, p]);
  }
  return { g: graph(count * (leaves + 1), arcs), centres };
}

/** Chain 0 → 1 → … → n−1. */
export function chain(n: number, p: number): DiffusionGraph {
  const arcs: [number, number, number][] = [];
  for (let i = 0; i + 1 < n; i++) arcs.push([i, i + 1, p]);
  return graph(n, arcs);
}

/** Two cliques of size s (nodes 0..s−1 and s..2s−1), both directions, joined by one bridge s−1 ↔ s. */
export function twoCliques(s: number, p: number, bridge: number): DiffusionGraph {
  const arcs: [number, number, number][] = [];
  for (const base of [0, s]) {
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) if (i !== j) arcs.push([base + i, base + j, p]);
  }
  arcs.push([s - 1, s, bridge], [s, s - 1, bridge]);
  return graph(2 * s, arcs);
}

/** Directed random graph: each node draws `deg` distinct out-neighbours, probability uniform in [lo, hi). */
export function randomGraph(n: number, deg: number, lo: number, hi: number, seed: number): DiffusionGraph {
  const rng = createRng(seed);
  const arcs: [number, number, number][] = [];
  for (let u = 0; u < n; u++) {
    const seen = new Set<number>();
    // A few hubs: low-index nodes get more arcs.
    const d = u < n / 20 ? deg * 4 : deg;
    while (seen.size < d) {
      const v = rng.nextInt(n);
      if (v !== u) seen.add(v);
    }
    for (const v of seen) arcs.push([u, v, lo + (hi - lo) * rng.next()]);
  }
  return graph(n, arcs);
}
