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
  buildCsr,
  reweighted,
  eigenvector,
  stableCommunityIds,
  weaklyConnectedComponents,
  signedPagerank,
  clustering,
  reach,
  reciprocity,
  type CsrGraph,
  type KernelControl,
  type SampledScores,
  BETWEENNESS_DEFAULTS,
  LOUVAIN_DEFAULTS,
  PAGERANK_DEFAULTS,
  SAMPLING_DEFAULTS,
  SIGNED_PAGERANK_DEFAULTS,
} from '../analytics/index.js';
import {
  blendInfluence,
  COMPONENT_FIELD,
  DEFAULT_INFLUENCE_WEIGHTS,
  INFLUENCE_COMPONENTS,
  participationTiers,
  percentileRanks,
  snapshotWarmth,
  type InfluenceComponent,
  type ParticipationTier,
  type SnapshotWarmth,
} from './influence.js';
import { tieCsrOf, type NetworkCsrs } from './network-graph.js';
import { DEFAULT_PROJECTION, eachEvidence, releaseScoredArcs, type Projection } from './projection.js';
import { computeStance, DEFAULT_STANCE_PARAMS } from './stance.js';
import { ENGINE_CHOICES, type EngineResults } from './engines/engine.js';
import { inProcess } from './engines/in-process.js';
import type { BetweennessScores, OffloadedSearches, SearchControl, SearchName, SearchWanted } from './distance-worker.runner.js';

export const ALGORITHMS = [
  'degree',
  'pagerank',
  'betweenness',
  'closeness',
  'harmonic',
  'eigenvector',
  'hits',
  'kcore',
  'wcc',
  'louvain',
  'reach',
  'network',
  'stance',
  'trust',
] as const;
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
  'followers',
  'following',
  'reach1',
  'reach2',
  'interactionsReceived',
  'interactionsGiven',
  'posts',
  'engagementsReceived',
  'engagementsGiven',
  'engagementRate',
  'influence',
  'trust',
  'distrust',
  'netTrust',
  'stanceScore',
  'stanceConfidence',
] as const;
export type ScoreField = (typeof SCORE_FIELDS)[number];

/** Scores stored as integers. */
export const INTEGER_FIELDS: ReadonlySet<ScoreField> = new Set<ScoreField>([
  'inDegree',
  'outDegree',
  'coreNumber',
  'componentId',
  'community',
  'followers',
  'following',
  'reach1',
  'reach2',
  'interactionsReceived',
  'interactionsGiven',
  'posts',
  'engagementsReceived',
  'engagementsGiven',
]);

/**
 * The scores also written as plain properties on every Customer node (with `scoresRunId` and the
 * primary brand's `stance`), for Cypher. They are few on purpose: after a run becomes current the
 * publication rewrites them for every customer (in batches, src/graph/analytics-run.repository.ts),
 * and every property costs that refresh time. Every score, these included, is kept per run in
 * blocks of customers under the run's (:RunResults) node (src/graph/run-results.ts).
 */
export const PLAIN_FIELDS = [
  'influence',
  'pagerank',
  'betweenness',
  'community',
  'reach2',
  'amplificationReceived',
  'netTrust',
  'stanceScore',
] as const satisfies readonly ScoreField[];

export const RunParamsSchema = z
  .object({
    algorithms: z.array(z.enum(ALGORITHMS)).min(1).default([...ALGORITHMS]).describe('Which algorithms to run (default: all)'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(BETWEENNESS_DEFAULTS.seed).describe('Seed of every sampled or randomised step'),
    engine: z
      .enum(ENGINE_CHOICES)
      .optional()
      .describe('Where degree, PageRank, betweenness, closeness, HITS, k-core, WCC and Louvain run: in-process, gds (Neo4j Graph Data Science) or auto (default: the ANALYTICS_ENGINE setting)'),
    projection: z
      .object({
        interactionWeight: z.number().min(0).max(100).default(DEFAULT_PROJECTION.interactionWeight),
        halfLifeDays: z.number().gt(0).max(36500).default(DEFAULT_PROJECTION.halfLifeDays),
        asOf: z.iso
          .datetime({ offset: true })
          .optional()
          .describe('Date interaction ages are measured from (default: the newest interaction, engagement or rating stored, so a historical import is read as of its own time)'),
      })
      .prefault({}),
    pagerank: z
      .object({
        alpha: z.number().min(0).lt(1).default(PAGERANK_DEFAULTS.alpha),
        tol: z.number().gt(0).max(1).default(PAGERANK_DEFAULTS.strict.tol),
        maxIter: z.number().int().min(1).max(1000).default(PAGERANK_DEFAULTS.strict.maxIter),
      })
      .prefault({}),
    betweenness: z
      .object({
        maxExactNodes: z.number().int().min(2).max(1_000_000).default(BETWEENNESS_DEFAULTS.maxExactNodes).describe('Exact below this many customers, sampled above'),
        samples: z.number().int().min(2).max(100_000).default(BETWEENNESS_DEFAULTS.samples).describe('Sampled sources when above maxExactNodes'),
      })
      .prefault({}),
    closeness: z
      .object({
        maxExactNodes: z.number().int().min(2).max(1_000_000).default(SAMPLING_DEFAULTS.maxExactNodes),
        samples: z.number().int().min(2).max(100_000).default(SAMPLING_DEFAULTS.samples),
      })
      .prefault({}),
    louvain: z.object({ resolution: z.number().gt(0).max(100).default(LOUVAIN_DEFAULTS.resolution) }).prefault({}),
    stance: z
      .object({
        halfLifeDays: z.number().gt(0).max(36500).default(DEFAULT_STANCE_PARAMS.halfLifeDays),
        npsWeight: z.number().min(0).max(100).default(DEFAULT_STANCE_PARAMS.npsWeight),
        engagementWeight: z.number().min(0).max(100).default(DEFAULT_STANCE_PARAMS.engagementWeight),
        contentWeight: z.number().min(0).max(100).default(DEFAULT_STANCE_PARAMS.contentWeight),
        advocateThreshold: z.number().min(-1).max(1).default(DEFAULT_STANCE_PARAMS.advocateThreshold),
        detractorThreshold: z.number().min(-1).max(1).default(DEFAULT_STANCE_PARAMS.detractorThreshold),
        minEvidence: z.number().min(0).max(1000).default(DEFAULT_STANCE_PARAMS.minEvidence),
        supersededFactor: z.number().min(0).max(1).default(DEFAULT_STANCE_PARAMS.supersededFactor),
      })
      .prefault({}),
    trust: z
      .object({ alpha: z.number().min(0).lt(1).default(SIGNED_PAGERANK_DEFAULTS.alpha), beta: z.number().min(0).max(10).default(SIGNED_PAGERANK_DEFAULTS.beta) })
      .prefault({}),
  })
  .strict()
  .meta({ id: 'RunParams' });
export type RunParams = z.infer<typeof RunParamsSchema>;

/** Text and list scores written next to the numeric ones. */
export interface TextScores {
  participationTier: ParticipationTier[];
  topics: string[][];
}

export interface CommunitySummary {
  id: number;
  size: number;
  /** Tie arcs (FOLLOWS/KNOWS) inside the community over size·(size−1). */
  density: number;
  internalTies: number;
  /** Attention arcs (ties and interactions, each ordered pair once) inside the community over size·(size−1); absent in runs made before it was computed. */
  attentionDensity?: number;
  internalAttentionArcs?: number;
  /** Tie arcs to the communities most tied to this one. */
  ties: { community: number; arcs: number }[];
  topics: { topic: string; members: number }[];
  topMembers: string[];
  /** Size of the same community id in the previous run (0 when it is new). */
  previousSize: number;
}

export const STANCE_CLASSES = ['unknown', 'detractor', 'passive', 'advocate'] as const;
export type StanceClass = (typeof STANCE_CLASSES)[number];

/** Stance of every customer toward every brand; arrays are customer-major: index i · brands.length + b. */
export interface StanceScores {
  brands: string[];
  classes: Int8Array;
  scores: Float64Array;
  confidence: Float64Array;
  /** Latest NPS answer, −1 for none. */
  latestNps: Int8Array;
  positive: Int32Array;
  negative: Int32Array;
}

export interface BrandStanceSummary {
  advocates: number;
  passives: number;
  detractors: number;
  unknown: number;
  respondents: number;
  promoters: number;
  npsPassives: number;
  npsDetractors: number;
  /** % promoters − % detractors among respondents (latest answer each), −100..100; null without respondents. */
  nps: number | null;
  /** The same with each respondent weighted by influence (0..100). */
  weightedNps: number | null;
  /** Unique people within 1 and 2 hops of any advocate / detractor (their combined audience, themselves excluded). */
  advocateReach: { oneHop: number; twoHops: number };
  detractorReach: { oneHop: number; twoHops: number };
}

export interface ScoreSet {
  fields: Partial<Record<ScoreField, Float64Array | Int32Array>>;
  text: TextScores;
  stance?: StanceScores;
  communities: CommunitySummary[];
  summary: Record<string, unknown>;
  /** The read model's precomputed percentiles and default ranking (set by the influence phase, in the worker). */
  warmth?: SnapshotWarmth;
  /** The paths graph's CSRs of the run's projection (set by runScoringTask, in the worker). */
  network?: NetworkCsrs;
}

export interface Phase {
  name: string;
  /** A promise when the phase waits for work another thread does (see ScoringControl.offload). */
  run: () => void | Promise<void>;
}

/** Closeness and harmonic scores from their shared searches. */
export type DistanceScores = ReturnType<typeof inProcess.closenessAndHarmonic>;

/** How a caller stops long kernels midway and hears how far they are. */
export interface ScoringControl {
  /** Checked between phases and inside the long kernels' loops; aborting throws the signal's reason. */
  signal?: AbortSignal;
  /** Fraction (0..1) of the named phase done, reported from inside the long kernels. */
  onProgress?: (phase: string, fraction: number) => void;
  /**
   * Runs the sampled searches elsewhere (another worker thread): closeness and harmonic, then
   * betweenness, started once the graph is built so that they run beside the other phases; their
   * phases then come last before influence and wait for them. The same kernels and options as in
   * this thread, so the same scores.
   */
  offload?: (g: CsrGraph, params: RunParams, wanted: SearchWanted, control: SearchControl) => OffloadedSearches;
}

/** The phases a second scoring thread computes (ScoringControl.offload): the sampled searches. */
export const OFFLOADED_PHASES: readonly AlgorithmName[] = ['betweenness', 'closeness', 'harmonic'];

/**
 * The phases in the order a run computes them: those in `late` (offloaded) moved, in their own
 * order, to just before influence — every other phase runs meanwhile. Also the order in which a
 * run lists its phases.
 */
export function searchesLast<T>(items: readonly T[], nameOf: (item: T) => string, late: ReadonlySet<string>): T[] {
  if (late.size === 0) return [...items];
  const moved = items.filter((item) => late.has(nameOf(item)));
  const kept = items.filter((item) => !late.has(nameOf(item)));
  const at = kept.findIndex((item) => nameOf(item) === 'influence');
  kept.splice(at < 0 ? kept.length : at, 0, ...moved);
  return kept;
}

const then = <T>(value: T | Promise<T>, use: (v: T) => void): void | Promise<void> => (value instanceof Promise ? value.then(use) : use(value));

/**
 * Runs of each algorithm as separate phases, so the caller can time, report and cancel between them.
 * The engine phases take `precomputed` results when a remote engine computed them (engines/engine.ts),
 * else the in-process engine's.
 */
export function scoringPhases(
  p: Projection,
  params: RunParams,
  previousMaxCommunityId: number,
  control: ScoringControl = {},
  precomputed: EngineResults = {},
): {
  phases: Phase[];
  result: ScoreSet;
  /** The run's weighted graph (built once, on first use): also the paths graph's attention CSR. */
  graph: () => CsrGraph;
  /** The run's tie graph (built once, on first use): also the paths graph's ties CSR. */
  ties: () => CsrGraph;
} {
  const { signal, onProgress } = control;
  /** What a long kernel of a phase checks and reports to. */
  const kernel = (phase: string): KernelControl => ({ signal, onProgress: onProgress && ((fraction) => onProgress(phase, fraction)) });
  const n = p.ids.length;
  const result: ScoreSet = {
    fields: {},
    text: { participationTier: [], topics: p.topics },
    communities: [],
    summary: { customers: n, arcs: 0, ...p.counts },
  };
  const f = result.fields;
  const s = result.summary;
  let g: CsrGraph | undefined;
  let tieGraph: CsrGraph | undefined;
  const graph = () => (g ??= buildCsr(n, p.src, p.dst, p.weight));
  /**
   * Only the FOLLOWS/KNOWS arcs: who is socially tied to whom, whatever they interacted about. Built
   * with their weights, as the paths graph wants them (tieCsrOf); the phases here read its structure.
   */
  const ties = () => (tieGraph ??= tieCsrOf(p));
  const phases: Phase[] = [
    {
      name: 'graph',
      run: () => {
        s.arcs = graph().m;
        f.amplificationReceived = p.amplificationReceived;
        f.amplificationGiven = p.amplificationGiven;
        f.followers = p.followers;
        f.following = p.following;
        f.interactionsReceived = p.interactionsReceived;
        f.interactionsGiven = p.interactionsGiven;
        f.posts = p.posts;
        f.engagementsReceived = p.engagementsReceived;
        f.engagementsGiven = p.engagementsGiven;
        // Engagement rate: engagements on the customer's content plus interactions they received, per piece of content posted.
        const rate = new Float64Array(n);
        for (let i = 0; i < n; i++) rate[i] = p.posts[i] > 0 ? (p.engagementsReceived[i] + p.interactionsReceived[i]) / p.posts[i] : NaN;
        f.engagementRate = rate;
        result.text.participationTier = participationTiers(p.posts, p.interactionsGiven, p.engagementsGiven);
        startSearches();
      },
    },
  ];
  const on = (name: AlgorithmName, run: Phase['run']) => {
    if (params.algorithms.includes(name)) phases.push({ name, run });
  };

  on('degree', () => {
    const r = precomputed.degree ?? inProcess.degree(graph());
    f.inDegree = r.inDegree;
    f.outDegree = r.outDegree;
    f.weightedInDegree = r.weightedInDegree;
    f.weightedOutDegree = r.weightedOutDegree;
  });
  on('pagerank', () => {
    const r = precomputed.pagerank ?? inProcess.pagerank(graph(), params, kernel('pagerank'));
    f.pagerank = r.scores;
    s.pagerank = { iterations: r.iterations, converged: r.converged, alpha: params.pagerank.alpha };
  });
  // The sampled searches. With a second thread (control.offload) they run there from the graph
  // phase on, and each of their phases waits for its result (reporting the other thread's progress
  // as its own); otherwise the first of closeness and harmonic computes both here.
  const searches: SearchWanted = {
    distances: !!control.offload && n > 1 && (['closeness', 'harmonic'] as const).some((a) => params.algorithms.includes(a) && !precomputed[a]),
    betweenness: !!control.offload && n > 1 && params.algorithms.includes('betweenness') && !precomputed.betweenness,
  };
  let offloaded: OffloadedSearches = {};
  const offloadedFraction: Partial<Record<SearchName, number>> = {};
  /** The phase waiting for each offloaded search, once one is. */
  const waiting: Partial<Record<SearchName, string>> = {};
  function startSearches() {
    if (!control.offload || (!searches.distances && !searches.betweenness)) return;
    offloaded = control.offload(graph(), params, searches, {
      signal,
      onProgress: (search, fraction) => {
        offloadedFraction[search] = fraction;
        const phase = waiting[search];
        if (phase) onProgress?.(phase, fraction);
      },
    });
    // Awaited by their phases; a failure before then must not count as unhandled.
    offloaded.distances?.catch(() => undefined);
    offloaded.betweenness?.catch(() => undefined);
  }
  const awaitSearch = <T>(search: SearchName, phase: string, promise: Promise<T>): Promise<T> => {
    waiting[search] = phase;
    const fraction = offloadedFraction[search];
    if (fraction !== undefined) onProgress?.(phase, fraction);
    return promise;
  };
  on('betweenness', () => {
    const set = (r: BetweennessScores) => {
      f.betweenness = r.scores;
      // relativeErrorTop: standard error over score of the 100 highest scores (median, max) — the error that matters for ranking.
      s.betweenness = {
        exact: r.exact,
        samples: r.samples,
        relativeErrorTop: r.relativeErrorTop,
        errorBound: r.errorBound,
        errorBoundAllNodes: r.errorBoundAllNodes,
        confidence: r.confidence,
      };
    };
    if (precomputed.betweenness) return set(precomputed.betweenness);
    if (offloaded.betweenness) return awaitSearch('betweenness', 'betweenness', offloaded.betweenness).then(set);
    return set(inProcess.betweenness(graph(), params, kernel('betweenness')));
  });
  // Closeness and harmonic share their searches: the first of the two phases computes both, or
  // waits for the other thread's.
  let distances: DistanceScores | undefined;
  const distanceScores = (phase: string): DistanceScores | Promise<DistanceScores> => {
    if (distances) return distances;
    if (!offloaded.distances) return (distances = inProcess.closenessAndHarmonic(graph(), params, kernel(phase)));
    return awaitSearch('distances', phase, offloaded.distances).then((r) => (distances = r));
  };
  on('closeness', () => {
    const set = (r: SampledScores) => {
      f.closeness = r.scores;
      s.closeness = { exact: r.exact, samples: r.samples };
    };
    return precomputed.closeness ? set(precomputed.closeness) : then(distanceScores('closeness'), (d) => set(d.closeness));
  });
  on('harmonic', () => {
    const set = (r: SampledScores) => {
      f.harmonic = r.scores;
      s.harmonic = { exact: r.exact, samples: r.samples };
      distances = undefined;
      offloaded.distances = undefined;
    };
    return precomputed.harmonic ? set(precomputed.harmonic) : then(distanceScores('harmonic'), (d) => set(d.harmonic));
  });
  on('eigenvector', () => {
    if (n === 0) return;
    const r = eigenvector(graph(), { maxIter: 500, tol: 1e-8, onNonConvergence: 'return', control: kernel('eigenvector') });
    f.eigenvector = r.scores;
    s.eigenvector = { iterations: r.iterations, converged: r.converged };
  });
  on('hits', () => {
    const r = precomputed.hits ?? inProcess.hits(graph(), params, kernel('hits'));
    f.hubScore = r.hubs;
    f.authorityScore = r.authorities;
    s.hits = { iterations: r.iterations, converged: r.converged };
  });
  on('kcore', () => {
    const cores = precomputed.kcore ?? inProcess.kcore(graph());
    f.coreNumber = cores;
    let max = 0;
    for (let i = 0; i < cores.length; i++) if (cores[i] > max) max = cores[i];
    s.kcore = { maxCore: max };
  });
  on('wcc', () => {
    const r = precomputed.wcc ?? inProcess.wcc(graph());
    f.componentId = r.labels;
    let largest = 0;
    for (const size of r.sizes) if (size > largest) largest = size;
    s.components = { count: r.count, largest };
  });
  on('louvain', () => {
    const r = precomputed.louvain ?? inProcess.louvain(graph(), params, kernel('louvain'));
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
  on('reach', () => {
    const r = reach(ties(), 'in', kernel('reach'));
    f.reach1 = r.reach1;
    f.reach2 = r.reach2;
  });
  on('network', () => {
    // Both graphs, each described by the same figures: the social-tie graph (FOLLOWS/KNOWS) and the
    // attention graph (ties and interactions). The top-level figures stay those of the tie graph.
    const social = graphFigures(ties());
    // Who pays attention to whom, each pair once: the weighted graph's structure (its parallel arcs are merged too).
    const attention = graphFigures(graph());
    s.network = {
      customers: n,
      tieArcs: social.arcs,
      density: social.density,
      reciprocity: social.reciprocity,
      averageClustering: social.averageClustering,
      transitivity: social.transitivity,
      degreeDistribution: social.degreeDistribution,
      social,
      attention,
    };
  });
  on('stance', () => {
    const B = p.brands.length;
    const st: StanceScores = {
      brands: p.brands,
      classes: new Int8Array(n * B),
      scores: new Float64Array(n * B),
      confidence: new Float64Array(n * B),
      latestNps: new Int8Array(n * B).fill(-1),
      positive: new Int32Array(n * B),
      negative: new Int32Array(n * B),
    };
    const asOf = Date.parse(p.asOf);
    const options = { ...params.stance, asOf };
    for (let b = 0; b < B; b++) {
      eachEvidence(p, b, (i, evidence) => {
        const r = computeStance(evidence, options);
        const k = i * B + b;
        st.classes[k] = STANCE_CLASSES.indexOf(r.stance);
        st.scores[k] = r.score;
        st.confidence[k] = r.confidence;
        st.latestNps[k] = r.evidence.latestNps ?? -1;
        st.positive[k] = r.evidence.positive;
        st.negative[k] = r.evidence.negative;
      });
    }
    result.stance = st;
    if (B > 0) {
      // The first brand (by id) is the primary one, whose stance is also written as plain properties.
      f.stanceScore = Float64Array.from({ length: n }, (_, i) => (st.classes[i * B] === 0 ? NaN : st.scores[i * B]));
      f.stanceConfidence = Float64Array.from({ length: n }, (_, i) => st.confidence[i * B]);
    }
    s.stance = { asOf: p.asOf, brands: p.brands, primaryBrand: p.brands[0] ?? null };
  });
  on('trust', () => {
    // Trust flows along ties and friendly interactions, distrust along hostile ones.
    const k = params.projection.interactionWeight;
    // Arcs of weight 0 add nothing to any of signed PageRank's sums (exactly: x + 0 = x). The
    // positive graph, most of the arcs, is the weighted graph with other weights (reweighted: two
    // weight arrays, no structure of its own); the negative graph holds only the hostile arcs (a
    // small share), the others left out.
    const pos = reweighted(graph(), p.src, p.dst, (a) => (p.isTie[a] ? p.weight[a] : 0) + k * p.positiveVolume[a]);
    const neg = buildCsr(n, ...weightedArcs(p.src, p.dst, (a) => k * p.negativeVolume[a]));
    const r = signedPagerank(pos, neg, { alpha: params.trust.alpha, beta: params.trust.beta, onNonConvergence: 'return' });
    f.trust = r.trust;
    f.distrust = r.distrust;
    f.netTrust = r.net;
    s.trust = { iterations: r.iterations, converged: r.converged };
  });
  phases.push({
    name: 'influence',
    run: () => {
      // The last phase reads no arc: once the two graphs the paths graph reuses are built, the
      // projection's arcs and evidence go (releaseScoredArcs; about 430 MB at 1M customers), before
      // the percentiles and the paths graph are made.
      graph();
      ties();
      releaseScoredArcs(p);
      const pct: Partial<Record<InfluenceComponent, Float64Array>> = {};
      for (const c of INFLUENCE_COMPONENTS) {
        const values = f[COMPONENT_FIELD[c]];
        if (values) pct[c] = percentileRanks(values);
      }
      f.influence = blendInfluence(pct, DEFAULT_INFLUENCE_WEIGHTS, n);
      // The read model's caches (every score's percentiles, the default ranking), reusing these.
      const known: Record<string, Float64Array> = {};
      for (const c of INFLUENCE_COMPONENTS) if (pct[c]) known[COMPONENT_FIELD[c]] = pct[c];
      result.warmth = snapshotWarmth(f, p.ids, DEFAULT_INFLUENCE_WEIGHTS, { percentiles: known, influence: f.influence });
      if (f.community) result.communities = summariseCommunities(p, ties(), graph(), f.community, f.influence);
      if (result.stance) {
        const st = result.stance;
        const brands: Record<string, BrandStanceSummary> = {};
        st.brands.forEach((brand, b) => (brands[brand] = summariseBrand(st, b, ties(), f.influence!, p.optedOut)));
        (s.stance as Record<string, unknown>).summary = brands;
      }
      s.influence = { weights: DEFAULT_INFLUENCE_WEIGHTS, components: Object.keys(pct) };
    },
  });
  // Offloaded searches are waited for last, just before influence (which reads betweenness): this
  // thread computes every other phase meanwhile.
  const late = new Set<string>(OFFLOADED_PHASES.filter((name) => (name === 'betweenness' ? searches.betweenness : searches.distances)));
  phases.splice(0, phases.length, ...searchesLast(phases, (phase) => phase.name, late));
  return { phases, result, graph, ties };
}

/**
 * The arcs whose weight `weightOf(arc)` is not 0, with those weights: computed twice (once to count)
 * instead of kept in an array per arc (100 MB at 1M customers), and the arc arrays themselves
 * reused when every arc stays.
 */
function weightedArcs(src: Int32Array, dst: Int32Array, weightOf: (arc: number) => number): [Int32Array, Int32Array, Float64Array] {
  let m = 0;
  for (let a = 0; a < src.length; a++) if (weightOf(a) !== 0) m++;
  const x = new Float64Array(m);
  if (m === src.length) {
    for (let a = 0; a < m; a++) x[a] = weightOf(a);
    return [src, dst, x];
  }
  const s = new Int32Array(m);
  const d = new Int32Array(m);
  for (let a = 0, j = 0; a < src.length; a++) {
    const w = weightOf(a);
    if (w === 0) continue;
    s[j] = src[a];
    d[j] = dst[a];
    x[j++] = w;
  }
  return [s, d, x];
}

/** Degree distribution of the tie graph (in + out arcs), in logarithmic bins [2^k, 2^(k+1)). */
/** What /v1/metrics/network reports of one graph. */
export interface GraphFigures {
  arcs: number;
  density: number;
  reciprocity: number;
  averageClustering: number;
  transitivity: number;
  components: { count: number; largest: number };
  degreeDistribution: { from: number; to: number; customers: number }[];
}

/** Size, density, reciprocity, clustering, weak components and degree distribution of a graph. O(n + m + triangles). */
export function graphFigures(g: CsrGraph): GraphFigures {
  const c = clustering(g);
  const wcc = weaklyConnectedComponents(g);
  let largest = 0;
  for (const size of wcc.sizes) if (size > largest) largest = size;
  return {
    arcs: g.m,
    density: g.n > 1 ? g.m / (g.n * (g.n - 1)) : 0,
    reciprocity: g.m > 0 ? reciprocity(g).overall : 0,
    averageClustering: c.average,
    transitivity: c.transitivity,
    components: { count: wcc.count, largest },
    degreeDistribution: logBinnedDegrees(g),
  };
}

function logBinnedDegrees(g: CsrGraph): { from: number; to: number; customers: number }[] {
  const bins: number[] = [];
  let zero = 0;
  for (let v = 0; v < g.n; v++) {
    const d = g.outOffsets[v + 1] - g.outOffsets[v] + (g.inOffsets[v + 1] - g.inOffsets[v]);
    if (d === 0) {
      zero++;
      continue;
    }
    const k = Math.floor(Math.log2(d));
    bins[k] = (bins[k] ?? 0) + 1;
  }
  const out = zero > 0 ? [{ from: 0, to: 0, customers: zero }] : [];
  for (let k = 0; k < bins.length; k++) out.push({ from: 2 ** k, to: 2 ** (k + 1) - 1, customers: bins[k] ?? 0 });
  return out;
}

/** Unique people within 1 and 2 hops (along in-arcs: the audience) of a set of sources, the sources excluded. */
export function combinedReach(g: CsrGraph, sources: number[]): { oneHop: number; twoHops: number } {
  const mark = new Uint8Array(g.n);
  for (const v of sources) mark[v] = 1;
  const first: number[] = [];
  for (const v of sources) {
    for (let a = g.inOffsets[v]; a < g.inOffsets[v + 1]; a++) {
      const u = g.inSources[a];
      if (!mark[u]) {
        mark[u] = 2;
        first.push(u);
      }
    }
  }
  let second = 0;
  for (const v of [...sources, ...first]) {
    for (let a = g.inOffsets[v]; a < g.inOffsets[v + 1]; a++) {
      const u = g.inSources[a];
      if (!mark[u]) {
        mark[u] = 3;
        second++;
      }
    }
  }
  return { oneHop: first.length, twoHops: first.length + second };
}

function summariseBrand(st: StanceScores, b: number, t: CsrGraph, influence: ArrayLike<number>, optedOut: Uint8Array): BrandStanceSummary {
  const B = st.brands.length;
  const n = t.n;
  const counts = [0, 0, 0, 0];
  const advocates: number[] = [];
  const detractors: number[] = [];
  let respondents = 0;
  let promoters = 0;
  let npsPassives = 0;
  let npsDetractors = 0;
  let weighted = 0;
  let weights = 0;
  for (let i = 0; i < n; i++) {
    const k = i * B + b;
    const c = st.classes[k];
    counts[c]++;
    if (c === 3) advocates.push(i);
    if (c === 1) detractors.push(i);
    const nps = st.latestNps[k];
    if (nps < 0 || optedOut[i]) continue;
    respondents++;
    const sign = nps >= 9 ? 1 : nps >= 7 ? 0 : -1;
    if (sign === 1) promoters++;
    else if (sign === 0) npsPassives++;
    else npsDetractors++;
    weighted += influence[i] * sign;
    weights += influence[i];
  }
  const pct = (x: number) => Math.round(x * 10) / 10;
  return {
    advocates: counts[3],
    passives: counts[2],
    detractors: counts[1],
    unknown: counts[0],
    respondents,
    promoters,
    npsPassives,
    npsDetractors,
    nps: respondents > 0 ? pct((100 * (promoters - npsDetractors)) / respondents) : null,
    weightedNps: weights > 0 ? pct((100 * weighted) / weights) : null,
    advocateReach: combinedReach(t, advocates),
    detractorReach: combinedReach(t, detractors),
  };
}

const MAX_COMMUNITY_SUMMARIES = 2000;

function summariseCommunities(p: Projection, t: CsrGraph, a: CsrGraph, community: ArrayLike<number>, influence: ArrayLike<number>): CommunitySummary[] {
  const byId = new Map<number, { members: number[]; internal: number; internalAttention: number; external: Map<number, number>; topics: Map<string, number> }>();
  const entry = (id: number) => {
    let e = byId.get(id);
    if (!e) byId.set(id, (e = { members: [], internal: 0, internalAttention: 0, external: new Map(), topics: new Map() }));
    return e;
  };
  for (let v = 0; v < t.n; v++) {
    const e = entry(community[v]);
    e.members.push(v);
    for (const topic of p.topics[v]) e.topics.set(topic, (e.topics.get(topic) ?? 0) + 1);
    for (let a = t.outOffsets[v]; a < t.outOffsets[v + 1]; a++) {
      const other = community[t.outTargets[a]];
      if (other === community[v]) e.internal++;
      else e.external.set(other, (e.external.get(other) ?? 0) + 1);
    }
    for (let k = a.outOffsets[v]; k < a.outOffsets[v + 1]; k++) if (community[a.outTargets[k]] === community[v]) e.internalAttention++;
  }
  const previous = new Map<number, number>();
  for (const c of p.previousCommunity) if (c >= 0) previous.set(c, (previous.get(c) ?? 0) + 1);
  return [...byId.entries()]
    .sort((a, b) => b[1].members.length - a[1].members.length || a[0] - b[0])
    .slice(0, MAX_COMMUNITY_SUMMARIES)
    .map(([id, e]) => {
      const size = e.members.length;
      const visible = e.members.filter((v) => !p.optedOut[v]);
      return {
        id,
        size,
        density: size > 1 ? e.internal / (size * (size - 1)) : 0,
        internalTies: e.internal,
        attentionDensity: size > 1 ? e.internalAttention / (size * (size - 1)) : 0,
        internalAttentionArcs: e.internalAttention,
        ties: [...e.external.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5).map(([community, arcs]) => ({ community, arcs })),
        topics: [...e.topics.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5).map(([topic, members]) => ({ topic, members })),
        topMembers: visible.sort((a, b) => influence[b] - influence[a] || a - b).slice(0, 5).map((v) => p.ids[v]),
        previousSize: previous.get(id) ?? 0,
      };
    });
}
