/**
 * ForceAtlas2 positions for a graph (Jacomy, Venturini, Heymann, Bastian, "ForceAtlas2, a
 * continuous graph layout algorithm for handy network visualization", PLoS ONE 2014), computed
 * with graphology-layout-forceatlas2 on the undirected, weighted version of the graph (parallel
 * and reciprocal arcs summed into one edge).
 *
 * Cost: O(iterations · (n log n + m)) with Barnes-Hut (used above 2,000 nodes), O(iterations · (n² + m))
 * below. Start positions come from a seeded generator, so the same graph and seed give the same
 * layout. `step` runs a slice of the iterations, so a caller can yield between slices.
 */
import { UndirectedGraph } from 'graphology';
import forceAtlas2Module from 'graphology-layout-forceatlas2';
import type { CsrGraph } from './csr.js';
import { createRng } from './random.js';

// The package is CommonJS: Node hands its module.exports (the function) as the default import,
// while its typings describe that as a namespace with a `default` member.
type ForceAtlas2 = typeof forceAtlas2Module.default;
const forceAtlas2 = ((forceAtlas2Module as unknown as { default?: ForceAtlas2 }).default ?? forceAtlas2Module) as ForceAtlas2;

export interface LayoutOptions {
  /** Total iterations (default by size: 200 up to 5k nodes, 80 up to 50k, 40 beyond). */
  iterations?: number;
  /** Seed of the start positions (default 1). */
  seed?: number;
}

/** The part of a CSR graph the layout reads. */
export type LayoutGraph = Pick<CsrGraph, 'n' | 'outOffsets' | 'outTargets' | 'outWeights'>;

export interface LayoutPositions {
  x: Float64Array;
  y: Float64Array;
  iterations: number;
}

export function defaultLayoutIterations(n: number): number {
  return n <= 5_000 ? 200 : n <= 50_000 ? 80 : 40;
}

/** A ForceAtlas2 layout in progress over nodes 0..n−1 of a CSR graph. */
export class ForceAtlas2Layout {
  readonly iterations: number;
  private done = 0;
  private readonly graph = new UndirectedGraph({ multi: false, allowSelfLoops: false });
  private readonly settings;

  constructor(csr: LayoutGraph, options: LayoutOptions = {}) {
    const n = csr.n;
    this.iterations = Math.max(0, Math.floor(options.iterations ?? defaultLayoutIterations(n)));
    const rng = createRng(options.seed ?? 1);
    const spread = 10 * Math.sqrt(Math.max(1, n));
    for (let i = 0; i < n; i++) this.graph.addNode(i, { x: (rng.next() - 0.5) * spread, y: (rng.next() - 0.5) * spread });
    for (let u = 0; u < n; u++) {
      for (let a = csr.outOffsets[u]; a < csr.outOffsets[u + 1]; a++) {
        const v = csr.outTargets[a];
        if (v === u) continue;
        const w = csr.outWeights ? csr.outWeights[a] : 1;
        const edge = this.graph.edge(u, v);
        if (edge === undefined) this.graph.addEdge(u, v, { weight: w });
        else this.graph.updateEdgeAttribute(edge, 'weight', (old: number | undefined) => (old ?? 0) + w);
      }
    }
    this.settings = { ...forceAtlas2.inferSettings(n), barnesHutOptimize: n > 2_000 };
  }

  get finished(): boolean {
    return this.done >= this.iterations;
  }

  /** Runs up to `count` more iterations; returns how many are left. */
  step(count: number): number {
    const k = Math.min(count, this.iterations - this.done);
    if (k > 0 && this.graph.order > 0) forceAtlas2.assign(this.graph, { iterations: k, settings: this.settings, getEdgeWeight: 'weight' });
    this.done += Math.max(0, k);
    return this.iterations - this.done;
  }

  positions(): LayoutPositions {
    const n = this.graph.order;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    this.graph.forEachNode((key: string, attrs: Record<string, unknown>) => {
      const i = Number(key);
      x[i] = attrs.x as number;
      y[i] = attrs.y as number;
    });
    return { x, y, iterations: this.done };
  }
}

/** The whole layout at once. */
export function forceAtlas2Layout(csr: LayoutGraph, options: LayoutOptions = {}): LayoutPositions {
  const layout = new ForceAtlas2Layout(csr, options);
  layout.step(layout.iterations);
  return layout.positions();
}
