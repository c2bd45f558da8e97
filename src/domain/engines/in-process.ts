/**
 * The in-process engine: each engine phase as a call of a src/analytics kernel on the projection's
 * CSR views, exactly as an analytics run has always computed it (so a seed gives the same bytes).
 * Runs inside the scoring worker thread, phase by phase (scoring.ts); costs are those of the
 * kernels (see each file in src/analytics).
 */
import {
  betweenness,
  closenessAndHarmonic,
  degree,
  hits,
  kcore,
  louvain,
  pagerank,
  weaklyConnectedComponents,
  PAGERANK_DEFAULTS,
  type BetweennessGraph,
  type CsrGraph,
  type OutArcs,
  type KernelControl,
} from '../../analytics/index.js';
import type { EngineParams as RunParams, EngineResults } from './engine.js';

type Required<K extends keyof EngineResults> = NonNullable<EngineResults[K]>;

export const inProcess = {
  degree(g: CsrGraph): Required<'degree'> {
    return {
      inDegree: degree(g, { direction: 'in' }),
      outDegree: degree(g, { direction: 'out' }),
      weightedInDegree: degree(g, { direction: 'in', weighted: true }),
      weightedOutDegree: degree(g, { direction: 'out', weighted: true }),
    };
  },
  pagerank(g: CsrGraph, params: RunParams, control: KernelControl): Required<'pagerank'> {
    return pagerank(g, { ...params.pagerank, stopping: PAGERANK_DEFAULTS.strict.stopping, onNonConvergence: 'return', control });
  },
  betweenness(g: BetweennessGraph, params: RunParams, control: KernelControl): Required<'betweenness'> {
    return betweenness(g, { seed: params.seed, maxExactNodes: params.betweenness.maxExactNodes, defaultSamples: params.betweenness.samples, control });
  },
  /** Closeness and harmonic centrality from one set of searches (incoming distances). */
  closenessAndHarmonic(g: OutArcs, params: RunParams, control: KernelControl): { closeness: Required<'closeness'>; harmonic: Required<'harmonic'> } {
    return closenessAndHarmonic(g, { seed: params.seed, maxExactNodes: params.closeness.maxExactNodes, defaultSamples: params.closeness.samples, control });
  },
  hits(g: CsrGraph, _params: RunParams, control: KernelControl): Required<'hits'> {
    return hits(g, { maxIter: 500, onNonConvergence: 'return', control });
  },
  kcore(g: CsrGraph): Required<'kcore'> {
    return kcore(g);
  },
  wcc(g: CsrGraph): Required<'wcc'> {
    return weaklyConnectedComponents(g);
  },
  louvain(g: CsrGraph, params: RunParams, control: KernelControl): Required<'louvain'> {
    return louvain(g, { resolution: params.louvain.resolution, seed: params.seed, control });
  },
};
