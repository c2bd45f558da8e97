/**
 * Turns a projection into per-customer scores by running the chosen algorithms of src/analytics
 * on it, one phase at a time. What each score means, and its parameters, is in the README
 * ("Scores"); this module only decides which graph view each algorithm sees:
 *
 * - the weighted directed graph (arc u → v: u pays attention to v) for PageRank, HITS and the
 *   weighted degrees;
 * - the same arcs unweighted (hops) for betweenness, closeness and harmonic centrality — with
 *   incoming distances, so closeness measures how fast a customer's voice reaches the others;
 * - the undirected view for k-core and Louvain (weights of u→v and v→u summed).
 */
import { z } from 'zod';
import {
  betweenness,
  buildCsr,
  closeness,
  degree,
  eigenvector,
  harmonic,
  hits,
  kcore,
  louvain,
  pagerank,
  stableCommunityIds,
  weaklyConnectedComponents,
  type CsrGraph,
} from '../analytics/index.js';
import type { Projection } from './projection.js';

export const ALGORITHMS = ['degree', 'pagerank', 'betweenness', 'closeness', 'harmonic', 'eigenvector', 'hits', 'kcore', 'wcc', 'louvain'] as const;
export type AlgorithmName = (typeof ALGORITHMS)[number];

/** Every score written back onto Customer nodes, and kept per run. The allow-list of property names. */
export const SCORE_FIELDS = [
  'inDegree',
  'outDegree',
  'weightedInDegree',
  'weightedOutDegree',
  'pagerank',
  'betweenness',
  'closeness',
  'harmonic',
  'eigenvector',
  'hubScore',
  'authorityScore',
  'coreNumber',
  'componentId',
  'community',
  'amplificationReceived',
  'amplificationGiven',
] as const;
export type ScoreField = (typeof SCORE_FIELDS)[number];

export const RunParamsSchema = z
  .object({
    algorithms: z.array(z.enum(ALGORITHMS)).min(1).default([...ALGORITHMS]).describe('Which algorithms to run (default: all)'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(42).describe('Seed of every sampled or randomised step'),
    projection: z
      .object({
        interactionWeight: z.number().min(0).max(100).default(0.5),
        halfLifeDays: z.number().gt(0).max(36500).default(180),
        asOf: z.iso.datetime({ offset: true }).optional().describe('Date interaction ages are measured from (default now)'),
      })
      .prefault({}),
    pagerank: z
      .object({
        alpha: z.number().min(0).lt(1).default(0.85),
        tol: z.number().gt(0).max(1).default(1e-9),
        maxIter: z.number().int().min(1).max(1000).default(200),
      })
      .prefault({}),
    betweenness: z
      .object({
        maxExactNodes: z.number().int().min(2).max(1_000_000).default(5000).describe('Exact below this many customers, sampled above'),
        samples: z.number().int().min(2).max(100_000).default(128).describe('Sampled sources when above maxExactNodes'),
      })
      .prefault({}),
    closeness: z
      .object({
        maxExactNodes: z.number().int().min(2).max(1_000_000).default(5000),
        samples: z.number().int().min(2).max(100_000).default(256),
      })
      .prefault({}),
    louvain: z.object({ resolution: z.number().gt(0).max(100).default(1) }).prefault({}),
  })
  .strict()
  .meta({ id: 'RunParams' });
export type RunParams = z.infer<typeof RunParamsSchema>;

export interface ScoreSet {
  fields: Partial<Record<ScoreField, Float64Array | Int32Array>>;
  summary: Record<string, unknown>;
}

export interface Phase {
  name: string;
  run: () => void;
}

/** Runs of each algorithm as separate phases, so the caller can time, report and cancel between them. */
export function scoringPhases(p: Projection, params: RunParams, previousMaxCommunityId: number): { phases: Phase[]; result: ScoreSet } {
  const n = p.ids.length;
  const result: ScoreSet = { fields: {}, summary: { customers: n, arcs: 0, ...p.counts } };
  const f = result.fields;
  const s = result.summary;
  let g: CsrGraph | undefined;
  const graph = () => (g ??= buildCsr(n, p.src, p.dst, p.weight));
  const phases: Phase[] = [
    {
      name: 'graph',
      run: () => {
        s.arcs = graph().m;
        f.amplificationReceived = p.amplificationReceived;
        f.amplificationGiven = p.amplificationGiven;
      },
    },
  ];
  const on = (name: AlgorithmName, run: () => void) => {
    if (params.algorithms.includes(name)) phases.push({ name, run });
  };

  on('degree', () => {
    f.inDegree = degree(graph(), { direction: 'in' });
    f.outDegree = degree(graph(), { direction: 'out' });
    f.weightedInDegree = degree(graph(), { direction: 'in', weighted: true });
    f.weightedOutDegree = degree(graph(), { direction: 'out', weighted: true });
  });
  on('pagerank', () => {
    const r = pagerank(graph(), { ...params.pagerank, stopping: 'strict', onNonConvergence: 'return' });
    f.pagerank = r.scores;
    s.pagerank = { iterations: r.iterations, converged: r.converged, alpha: params.pagerank.alpha };
  });
  on('betweenness', () => {
    const r = betweenness(graph(), {
      seed: params.seed,
      maxExactNodes: params.betweenness.maxExactNodes,
      defaultSamples: params.betweenness.samples,
    });
    f.betweenness = r.scores;
    s.betweenness = { exact: r.exact, samples: r.samples, errorBound: r.errorBound, errorBoundAllNodes: r.errorBoundAllNodes, confidence: r.confidence };
  });
  on('closeness', () => {
    const r = closeness(graph(), { seed: params.seed, maxExactNodes: params.closeness.maxExactNodes, defaultSamples: params.closeness.samples });
    f.closeness = r.scores;
    s.closeness = { exact: r.exact, samples: r.samples };
  });
  on('harmonic', () => {
    const r = harmonic(graph(), { seed: params.seed, maxExactNodes: params.closeness.maxExactNodes, defaultSamples: params.closeness.samples });
    f.harmonic = r.scores;
    s.harmonic = { exact: r.exact, samples: r.samples };
  });
  on('eigenvector', () => {
    if (n === 0) return;
    const r = eigenvector(graph(), { maxIter: 500, tol: 1e-8, onNonConvergence: 'return' });
    f.eigenvector = r.scores;
    s.eigenvector = { iterations: r.iterations, converged: r.converged };
  });
  on('hits', () => {
    const r = hits(graph(), { maxIter: 500, onNonConvergence: 'return' });
    f.hubScore = r.hubs;
    f.authorityScore = r.authorities;
    s.hits = { iterations: r.iterations, converged: r.converged };
  });
  on('kcore', () => {
    const cores = kcore(graph());
    f.coreNumber = cores;
    let max = 0;
    for (let i = 0; i < cores.length; i++) if (cores[i] > max) max = cores[i];
    s.kcore = { maxCore: max };
  });
  on('wcc', () => {
    const r = weaklyConnectedComponents(graph());
    f.componentId = r.labels;
    let largest = 0;
    for (const size of r.sizes) if (size > largest) largest = size;
    s.components = { count: r.count, largest };
  });
  on('louvain', () => {
    const r = louvain(graph(), { resolution: params.louvain.resolution, seed: params.seed });
    const previous = new Map<number, number>();
    p.previousCommunity.forEach((c, i) => {
      if (c >= 0) previous.set(i, c);
    });
    const used = previousMaxCommunityId >= 0 ? [previousMaxCommunityId] : [];
    const stable = stableCommunityIds(r.communities, previous, used);
    f.community = stable.ids;
    s.louvain = {
      communities: r.count,
      modularity: r.modularity,
      levels: r.levels,
      resolution: params.louvain.resolution,
      keptIds: stable.kept,
      newIds: stable.created,
      maxCommunityId: stable.maxUsedId,
    };
  });
  return { phases, result };
}
