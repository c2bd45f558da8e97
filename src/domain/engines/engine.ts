/**
 * The engine port: where an analytics run's graph algorithms are computed. The run orchestration
 * (analytics-run.service.ts) picks one engine per run and scoring.ts takes each phase's numbers
 * from it, whatever computed them:
 *
 * - `in-process`: the kernels of src/analytics in the service's scoring worker thread
 *   (in-process.ts), phase by phase;
 * - `gds`: Neo4j Graph Data Science next to the data (src/graph/gds-engine.ts), computed before
 *   the worker starts and handed to it as `EngineResults`.
 *
 * Only the algorithms listed in ENGINE_PHASES go through an engine; the rest (signed trust,
 * stance, reach, participation, network figures, the influence blend and community summaries)
 * always run in-process on the projection. Results use the shapes of the in-process kernels, so
 * a third engine (another remote store or a cluster job) only has to fill the same record.
 */
import type { BetweennessResult, ComponentsResult, HitsResult, LouvainResult, PagerankResult, SampledScores } from '../../analytics/index.js';
import type { Projection } from '../projection.js';

export const ENGINE_NAMES = ['in-process', 'gds'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
/** What a run may ask for: an engine, or `auto` (see choose-engine.ts). */
export const ENGINE_CHOICES = ['in-process', 'gds', 'auto'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** The scoring phases an engine computes (closeness and harmonic are two phases of one search). */
export const ENGINE_PHASES = ['degree', 'pagerank', 'betweenness', 'closeness', 'harmonic', 'hits', 'kcore', 'wcc', 'louvain'] as const;
export type EnginePhase = (typeof ENGINE_PHASES)[number];

/** The run parameters the engine phases read (a structural part of scoring.ts's RunParams). */
export interface EngineParams {
  algorithms: readonly string[];
  seed: number;
  pagerank: { alpha: number; tol: number; maxIter: number };
  betweenness: { maxExactNodes: number; samples: number };
  closeness: { maxExactNodes: number; samples: number };
  louvain: { resolution: number };
}

export interface DegreeScores {
  inDegree: Float64Array;
  outDegree: Float64Array;
  weightedInDegree: Float64Array;
  weightedOutDegree: Float64Array;
}

/** One record per phase, in the in-process kernels' shapes; a phase left out runs in-process. */
export interface EngineResults {
  degree?: DegreeScores;
  pagerank?: PagerankResult;
  betweenness?: BetweennessResult;
  closeness?: SampledScores;
  harmonic?: SampledScores;
  hits?: HitsResult;
  kcore?: Int32Array;
  wcc?: ComponentsResult;
  /** Raw partition (ids 0..count−1 by smallest member); the stable-id rule is applied afterwards by scoring.ts. */
  louvain?: LouvainResult;
}

/** Which engine ran a run, why, and where each engine phase was computed (stored in the run's summary). */
export interface EngineReport {
  name: EngineName;
  requested: EngineChoice;
  reason: string;
  /** Phase → who computed it and, when it stayed in-process under a remote engine, why. */
  placement?: Partial<Record<EnginePhase, string>>;
  /** Per-phase milliseconds of the remote engine (projection, estimate, each algorithm, drop). */
  remoteMs?: Record<string, number>;
  /** The remote engine's memory estimate and the limit it was checked against, in MiB. */
  memory?: { estimateMb: number; limitMb: number; limitFrom: string };
  version?: string;
}

export interface EngineRequest {
  /** Names the remote engine's working state (its projected graph), unique per run. */
  runId: string;
  projection: Projection;
  params: EngineParams;
  signal?: AbortSignal;
  /** A phase the engine computes starts ('running') or ends ('done' with its milliseconds). */
  onPhase?: (name: EnginePhase, state: 'running' | 'done', ms?: number) => void;
}

/** An engine that computes before the scoring worker starts (it runs elsewhere: a database, a cluster). */
export interface AnalyticsEngine {
  readonly name: EngineName;
  /** True when the engine can run here (e.g. the database has the library), with its version. */
  available(): Promise<{ available: boolean; version?: string; reason?: string }>;
  /**
   * Computes the engine phases `request.params.algorithms` asks for. Phases it cannot compute
   * faithfully are left out (they run in-process) and said so in `report.placement`.
   * Must leave nothing behind on the engine, also when it throws or `signal` aborts.
   */
  compute(request: EngineRequest, report: EngineReport): Promise<EngineResults>;
}
