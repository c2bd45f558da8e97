/**
 * ForceAtlas2 positions for a graph (Jacomy, Venturini, Heymann, Bastian, "ForceAtlas2, a
 * continuous graph layout algorithm for handy network visualization", PLoS ONE 2014), computed
 * with graphology-layout-forceatlas2's iteration on the undirected, weighted version of the graph
 * (parallel and reciprocal arcs summed into one edge; a node's mass is 1 + its weighted degree, as
 * the package sets it).
 *
 * Cost: O(iterations · (n log n + m)) with Barnes-Hut (used above 2,000 nodes), O(iterations · (n² + m))
 * below. Start positions come from a seeded generator, so the same graph and seed give the same
 * layout. `step` runs a slice of the iterations, so a caller can yield between slices.
 */
import forceAtlas2Module from 'graphology-layout-forceatlas2';
import defaultsModule from 'graphology-layout-forceatlas2/defaults.js';
import iterateModule from 'graphology-layout-forceatlas2/iterate.js';
import type { CsrGraph, OutArcs } from './csr.js';
import { createRng } from './random.js';

// The package is CommonJS: Node hands its module.exports as the default import, while the typings
// describe that as a namespace with a `default` member.
const cjs = <T>(m: unknown): T => ((m as { default?: T }).default ?? m) as T;
type ForceAtlas2 = typeof forceAtlas2Module.default;
const forceAtlas2 = cjs<ForceAtlas2>(forceAtlas2Module);
const iterate = cjs<typeof iterateModule>(iterateModule);
const DEFAULTS = cjs<typeof defaultsModule>(defaultsModule);

/** Floats per node and per edge in the matrices the iteration works on (graphology-layout-forceatlas2's layout). */
const PPN = 10;
const PPE = 3;

export interface LayoutOptions {
  /** Total iterations (default by size: 200 up to 5k nodes, 80 up to 50k, 40 beyond). */
  iterations?: number;
  /** Seed of the start positions (default 1). */
  seed?: number;
}

/** The part of a CSR graph the layout reads. */
export type LayoutGraph = OutArcs;

export interface LayoutPositions {
  x: Float64Array;
  y: Float64Array;
  iterations: number;
}

export function defaultLayoutIterations(n: number): number {
  return n <= 5_000 ? 200 : n <= 50_000 ? 80 : 40;
}

/**
 * A ForceAtlas2 layout in progress over nodes 0..n−1 of a CSR graph. The node and edge matrices
 * are built straight from the CSR arrays (no graph object: about 60 bytes per node and 12 per
 * edge), and the package's own iteration runs on them.
 */
export class ForceAtlas2Layout {
  readonly iterations: number;
  private done = 0;
  private readonly nodes: Float32Array;
  private readonly edges: Float32Array;
  private readonly settings: Record<string, number | boolean>;

  constructor(csr: LayoutGraph, options: LayoutOptions = {}) {
    const n = csr.n;
    this.iterations = Math.max(0, Math.floor(options.iterations ?? defaultLayoutIterations(n)));
    // Undirected edges: u–v once, with the weights of u→v and v→u summed.
    const slot = new Map<number, number>();
    const pairs: number[] = [];
    const weights: number[] = [];
    for (let u = 0; u < n; u++) {
      for (let a = csr.outOffsets[u]; a < csr.outOffsets[u + 1]; a++) {
        const v = csr.outTargets[a];
        if (v === u) continue;
        const w = csr.outWeights ? csr.outWeights[a] : 1;
        const key = u < v ? u * n + v : v * n + u;
        const at = slot.get(key);
        if (at === undefined) {
          slot.set(key, weights.length);
          pairs.push(Math.min(u, v), Math.max(u, v));
          weights.push(w);
        } else weights[at] += w;
      }
    }
    const rng = createRng(options.seed ?? 1);
    const spread = 10 * Math.sqrt(Math.max(1, n));
    this.nodes = new Float32Array(n * PPN);
    for (let i = 0; i < n; i++) {
      const j = i * PPN;
      this.nodes[j] = (rng.next() - 0.5) * spread;
      this.nodes[j + 1] = (rng.next() - 0.5) * spread;
      this.nodes[j + 6] = 1; // mass: 1 + weighted degree
      this.nodes[j + 7] = 1; // convergence
      this.nodes[j + 8] = 1; // size
    }
    this.edges = new Float32Array(weights.length * PPE);
    for (let e = 0; e < weights.length; e++) {
      const s = pairs[2 * e] * PPN;
      const t = pairs[2 * e + 1] * PPN;
      this.nodes[s + 6] += weights[e];
      this.nodes[t + 6] += weights[e];
      this.edges[e * PPE] = s;
      this.edges[e * PPE + 1] = t;
      this.edges[e * PPE + 2] = weights[e];
    }
    this.settings = { ...DEFAULTS, ...forceAtlas2.inferSettings(n), barnesHutOptimize: n > 2_000 };
  }

  get finished(): boolean {
    return this.done >= this.iterations;
  }

  /** Runs up to `count` more iterations; returns how many are left. */
  step(count: number): number {
    const k = Math.max(0, Math.min(count, this.iterations - this.done));
    if (this.nodes.length > 0) for (let i = 0; i < k; i++) iterate(this.settings, this.nodes, this.edges);
    this.done += k;
    return this.iterations - this.done;
  }

  positions(): LayoutPositions {
    const n = this.nodes.length / PPN;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = this.nodes[i * PPN];
      y[i] = this.nodes[i * PPN + 1];
    }
    return { x, y, iterations: this.done };
  }
}

/** The whole layout at once. */
export function forceAtlas2Layout(csr: LayoutGraph, options: LayoutOptions = {}): LayoutPositions {
  const layout = new ForceAtlas2Layout(csr, options);
  layout.step(layout.iterations);
  return layout.positions();
}
