/**
 * The `gds` engine (src/domain/engines/engine.ts): an analytics run's graph algorithms computed by
 * Neo4j Graph Data Science next to the data. The only module that speaks GDS Cypher; every query
 * is parameterised.
 *
 * Projection: a Cypher projection (`gds.graph.project` aggregation) fed from the in-process
 * projection's own arcs, sent as parallel lists. So the GDS graph has exactly the arcs and weights
 * the in-process engine sees (one combination rule, src/domain/projection.ts), and node i of the
 * GDS graph is projection index i (integer node ids; no database node is touched). Three
 * relationship types:
 *   ARC  u → v with the arc's weight, inverse-indexed (degree out and in, PageRank, betweenness, HITS, WCC);
 *   REV  v → u, the same arcs reversed, only when GDS computes closeness and harmonic (over
 *        incoming distances, as in-process);
 *   PAIR {u, v} undirected, once per pair, weight w(u→v) + w(v→u), no self-loops (k-core, Louvain:
 *        the undirected view of the in-process kernels).
 * Each algorithm mutates the graph; the scores are streamed back in one pass at the end and put in
 * the in-process kernels' units: PageRank divided by its sum (GDS leaves the dangling rank out
 * and does not normalise; scaled to sum 1 it is the same fixed point as NetworkX's), betweenness
 * divided by (n−1)(n−2) (× n/k when k sources are sampled), harmonic × (n−1), HITS scaled to sum
 * 1, component and community ids renumbered by smallest member.
 *
 * Before projecting, every step's memory is estimated (`*.estimate` on a graph of the same size;
 * closeness and harmonic have no estimate procedure and are counted as n × (16 + 24 × threads) B)
 * and the run is refused when the sum exceeds the limit (GDS_MAX_MEMORY_MB, else the database's
 * free heap). The projection is dropped in `finally`: after success, failure and cancel alike.
 *
 * Stays in-process (said in the run's summary): closeness/harmonic above closeness.maxExactNodes
 * (GDS has no sampled closeness), Louvain at a resolution other than 1 (GDS Louvain has none),
 * HITS on a weighted graph (GDS HITS ignores weights).
 */
import neo4j, { type Session } from 'neo4j-driver';
import type { BetweennessResult, LouvainResult } from '../analytics/index.js';
import type { AnalyticsEngine, EngineParams as RunParams, EngineReport, EngineRequest, EngineResults, EnginePhase } from '../domain/engines/engine.js';
import { AppError } from '../domain/errors.js';
import type { Projection } from '../domain/projection.js';
import { mapDatabaseError, toNumber, type GraphDatabase } from './database.js';

export interface GdsEngineOptions {
  /** Refuse a run whose estimate exceeds this many MiB; 0: the database's free heap. */
  maxMemoryMb: number;
  /** Threads GDS may use (Louvain always runs on one, for a deterministic partition). */
  concurrency?: number;
}

const PROJECT = `
CALL {
  UNWIND range(0, $n - 1) AS i RETURN i AS s, null AS t, null AS type, null AS w
  UNION ALL
  UNWIND range(0, size($src) - 1) AS k RETURN $src[k] AS s, $dst[k] AS t, 'ARC' AS type, $weight[k] AS w
  UNION ALL
  UNWIND CASE WHEN $reverse THEN range(0, size($src) - 1) ELSE [] END AS k RETURN $dst[k] AS s, $src[k] AS t, 'REV' AS type, $weight[k] AS w
  UNION ALL
  UNWIND range(0, size($pairU) - 1) AS k RETURN $pairU[k] AS s, $pairV[k] AS t, 'PAIR' AS type, $pairW[k] AS w
}
WITH toInteger(s) AS s, toInteger(t) AS t, type, w
RETURN gds.graph.project($graph, s, t,
  CASE WHEN t IS NULL THEN {} ELSE {relationshipType: type, relationshipProperties: {weight: w}} END,
  {undirectedRelationshipTypes: ['PAIR'], inverseIndexedRelationshipTypes: ['ARC']}) AS g`;

/** The algorithm procedures the engine calls, a closed list (procedure names cannot be parameters). */
const PROCEDURES = {
  degree: 'gds.degree',
  pagerank: 'gds.pageRank',
  betweenness: 'gds.betweenness',
  closeness: 'gds.closeness',
  harmonic: 'gds.closeness.harmonic',
  hits: 'gds.hits',
  kcore: 'gds.kcore',
  wcc: 'gds.wcc',
  louvain: 'gds.louvain',
} as const;
type Procedure = keyof typeof PROCEDURES;

interface Step {
  phase: EnginePhase;
  procedure: Procedure;
  config: Record<string, unknown>;
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const int = (value: number) => neo4j.int(value);

/** Undirected pairs {u < v} with summed weights, self-loops left out. O(m) with a hash map. */
export function undirectedPairs(p: Pick<Projection, 'ids' | 'src' | 'dst' | 'weight'>): { u: number[]; v: number[]; w: number[] } {
  const n = p.ids.length;
  const index = new Map<number, number>();
  const u: number[] = [];
  const v: number[] = [];
  const w: number[] = [];
  for (let a = 0; a < p.src.length; a++) {
    const s = p.src[a];
    const t = p.dst[a];
    if (s === t) continue;
    const lo = s < t ? s : t;
    const hi = s < t ? t : s;
    const key = lo * n + hi;
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, u.length);
      u.push(lo);
      v.push(hi);
      w.push(p.weight[a]);
    } else w[at] += p.weight[a];
  }
  return { u, v, w };
}

/** Ids renumbered 0..count−1 in order of each group's smallest member, with group sizes. */
function canonical(labels: Float64Array): { labels: Int32Array; count: number; sizes: Int32Array } {
  const map = new Map<number, number>();
  const out = new Int32Array(labels.length);
  const sizes: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    let id = map.get(labels[i]);
    if (id === undefined) {
      id = map.size;
      map.set(labels[i], id);
      sizes.push(0);
    }
    out[i] = id;
    sizes[id]++;
  }
  return { labels: out, count: map.size, sizes: Int32Array.from(sizes) };
}

function scaleToSum(values: Float64Array, target = 1): Float64Array {
  let sum = 0;
  for (const x of values) sum += x;
  if (sum > 0) for (let i = 0; i < values.length; i++) values[i] = (values[i] * target) / sum;
  return values;
}

export class GdsEngine implements AnalyticsEngine {
  readonly name = 'gds' as const;
  private checked: { at: number; value: { available: boolean; version?: string; reason?: string } } | undefined;

  constructor(
    private readonly db: GraphDatabase,
    private readonly options: GdsEngineOptions,
  ) {}

  private session(): Session {
    // One session for a run's every GDS call: on a cluster they all reach the same server, where the projection lives.
    return this.db.driver.session({ database: this.db.database, defaultAccessMode: neo4j.session.WRITE });
  }

  /** Whether the database answers `gds.version()` (cached for 30 s). */
  async available(): Promise<{ available: boolean; version?: string; reason?: string }> {
    if (this.checked && Date.now() - this.checked.at < 30_000) return this.checked.value;
    const session = this.session();
    let value: { available: boolean; version?: string; reason?: string };
    try {
      const result = await session.run('RETURN gds.version() AS version');
      value = { available: true, version: String(result.records[0]?.get('version')) };
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (/Unknown|NotFound|SyntaxError/i.test(code) || /gds\.version/.test((error as Error).message ?? '')) {
        value = { available: false, reason: 'the database has no Graph Data Science library (gds.version() is unknown)' };
      } else throw mapDatabaseError(error);
    } finally {
      await session.close();
    }
    this.checked = { at: Date.now(), value };
    return value;
  }

  /** Graphs this engine projected and did not drop (should be none between runs). */
  async projectedGraphs(): Promise<string[]> {
    const session = this.session();
    try {
      const result = await session.run("CALL gds.graph.list() YIELD graphName WHERE graphName STARTS WITH 'influence-run-' RETURN graphName");
      return result.records.map((r) => String(r.get('graphName')));
    } finally {
      await session.close();
    }
  }

  /** The steps of a run and where each phase goes: GDS, or in-process with the reason. */
  plan(p: Pick<Projection, 'ids' | 'weight'>, params: RunParams): { steps: Step[]; placement: Partial<Record<EnginePhase, string>> } {
    const n = p.ids.length;
    const wants = (a: string) => (params.algorithms as readonly string[]).includes(a);
    const steps: Step[] = [];
    const placement: Partial<Record<EnginePhase, string>> = {};
    const concurrency = int(this.options.concurrency ?? 2);
    const gds = (phase: EnginePhase, procedure: Procedure, config: Record<string, unknown>) => {
      steps.push({ phase, procedure, config: { concurrency, ...config } });
      placement[phase] = 'gds';
    };
    if (wants('degree')) {
      gds('degree', 'degree', { relationshipTypes: ['ARC'], mutateProperty: 'outDegree' });
      gds('degree', 'degree', { relationshipTypes: ['ARC'], orientation: 'REVERSE', mutateProperty: 'inDegree' });
      gds('degree', 'degree', { relationshipTypes: ['ARC'], relationshipWeightProperty: 'weight', mutateProperty: 'weightedOutDegree' });
      gds('degree', 'degree', { relationshipTypes: ['ARC'], orientation: 'REVERSE', relationshipWeightProperty: 'weight', mutateProperty: 'weightedInDegree' });
    }
    if (wants('pagerank')) {
      gds('pagerank', 'pagerank', {
        relationshipTypes: ['ARC'],
        relationshipWeightProperty: 'weight',
        dampingFactor: params.pagerank.alpha,
        maxIterations: int(params.pagerank.maxIter),
        // GDS stops when every node moves less than this; its scores are about n times ours.
        tolerance: params.pagerank.tol,
        mutateProperty: 'pagerank',
      });
    }
    if (wants('betweenness')) {
      const exact = n <= params.betweenness.maxExactNodes;
      gds('betweenness', 'betweenness', {
        relationshipTypes: ['ARC'],
        mutateProperty: 'betweenness',
        ...(exact ? {} : { samplingSize: int(Math.min(n, params.betweenness.samples)), samplingSeed: int(params.seed) }),
      });
    }
    const exactCloseness = n <= params.closeness.maxExactNodes;
    for (const phase of ['closeness', 'harmonic'] as const) {
      if (!wants(phase)) continue;
      if (exactCloseness) gds(phase, phase, { relationshipTypes: ['REV'], mutateProperty: phase, ...(phase === 'closeness' ? { useWassermanFaust: true } : {}) });
      else placement[phase] = `in-process: ${n} customers exceed closeness.maxExactNodes (${params.closeness.maxExactNodes}) and GDS has no sampled closeness`;
    }
    if (wants('hits')) {
      const weighted = p.weight.some((w) => w !== p.weight[0]);
      if (weighted) placement.hits = 'in-process: GDS HITS ignores arc weights and these arcs are weighted';
      else gds('hits', 'hits', { relationshipTypes: ['ARC'], hitsIterations: int(100) });
    }
    if (wants('kcore')) gds('kcore', 'kcore', { relationshipTypes: ['PAIR'], mutateProperty: 'coreNumber' });
    if (wants('wcc')) gds('wcc', 'wcc', { relationshipTypes: ['ARC'], mutateProperty: 'componentId' });
    if (wants('louvain')) {
      if (params.louvain.resolution !== 1) placement.louvain = `in-process: GDS Louvain has no resolution parameter (asked for ${params.louvain.resolution})`;
      else
        gds('louvain', 'louvain', {
          relationshipTypes: ['PAIR'],
          relationshipWeightProperty: 'weight',
          mutateProperty: 'community',
          tolerance: 1e-7,
          maxLevels: int(10),
          // One thread: the partition does not depend on scheduling (GDS Louvain takes no seed).
          concurrency: int(1),
        });
    }
    return { steps, placement };
  }

  async compute(request: EngineRequest, report: EngineReport): Promise<EngineResults> {
    const { projection: p, params, signal } = request;
    const n = p.ids.length;
    const { steps, placement } = this.plan(p, params);
    report.placement = placement;
    report.remoteMs = {};
    if (steps.length === 0 || n === 0) return {};
    const ms = report.remoteMs;
    let inflight: Promise<unknown> = Promise.resolve();
    const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
      signal?.throwIfAborted();
      const started = performance.now();
      const running = work();
      inflight = running.catch(() => undefined);
      const value = await abortable(running, signal);
      ms[what] = (ms[what] ?? 0) + Math.round(performance.now() - started);
      return value;
    };
    const pairs = undirectedPairs(p);
    const reverse = steps.some((s) => (s.config.relationshipTypes as string[]).includes('REV'));
    const relationships = (reverse ? 2 : 1) * p.src.length + 2 * pairs.u.length;
    const graph = `influence-run-${request.runId}`;
    const session = this.session();
    let projected = false;
    try {
      report.memory = await timed('estimate', () => this.estimate(session, n, relationships, steps));
      if (report.memory.estimateMb > report.memory.limitMb) {
        throw new AppError(
          'GDS_MEMORY_EXCEEDED',
          422,
          `The gds engine needs an estimated ${report.memory.estimateMb} MiB for ${n} customers and ${relationships} projected relationships, more than the ${report.memory.limitMb} MiB allowed by ${report.memory.limitFrom}`,
        );
      }
      projected = true;
      await timed('project', () =>
        session.run(PROJECT, {
          graph,
          n: int(n),
          src: Array.from(p.src),
          dst: Array.from(p.dst),
          weight: Array.from(p.weight),
          reverse,
          pairU: pairs.u,
          pairV: pairs.v,
          pairW: pairs.w,
        }),
      );
      const stats: Partial<Record<Procedure, Record<string, unknown>>> = {};
      let hits: { hub: Float64Array; authority: Float64Array; ranIterations: number; didConverge: boolean } | undefined;
      let current: EnginePhase | undefined;
      let phaseStarted = 0;
      const finishPhase = () => {
        if (current) request.onPhase?.(current, 'done', Math.round(performance.now() - phaseStarted));
        current = undefined;
      };
      for (const step of steps) {
        if (step.phase !== current) {
          finishPhase();
          current = step.phase;
          phaseStarted = performance.now();
          request.onPhase?.(step.phase, 'running');
        }
        if (step.procedure === 'hits') {
          // gds.hits.mutate (2.13) writes the authorities under both property names: stream instead.
          hits = await timed(step.phase, () => this.streamHits(session, graph, n, step.config));
          continue;
        }
        const result = await timed(step.phase, () =>
          session.run(`CALL ${PROCEDURES[step.procedure]}.mutate($graph, $config)`, { graph, config: step.config }),
        );
        stats[step.procedure] = result.records[0]?.toObject() ?? {};
      }
      finishPhase();
      const properties = steps.filter((s) => s.procedure !== 'hits').map((s) => String(s.config.mutateProperty));
      const values = await timed('stream', () => this.streamProperties(session, graph, n, properties));
      if (hits) {
        values.set('hub', hits.hub);
        values.set('authority', hits.authority);
        stats.hits = { ranIterations: hits.ranIterations, didConverge: hits.didConverge };
      }
      return this.results(n, params, steps, stats, values);
    } catch (error) {
      if (error instanceof AppError || signal?.aborted) throw error;
      throw mapDatabaseError(error);
    } finally {
      // Always leave the catalog as found, also on failure and cancel: stop the query still running
      // on the server (GDS algorithms honour transaction termination), let it end, then drop.
      if (signal?.aborted) await this.terminate(graph).catch(() => undefined);
      await inflight;
      if (projected) await this.drop(graph).catch(() => undefined);
      await session.close().catch(() => undefined);
    }
  }

  /** Terminates this run's GDS queries still running (found by their `graph` parameter). */
  private async terminate(graph: string): Promise<void> {
    const session = this.session();
    try {
      const found = await session.run(
        'SHOW TRANSACTIONS YIELD transactionId, parameters WHERE parameters.graph = $graph RETURN collect(transactionId) AS ids',
        { graph },
      );
      const ids = (found.records[0]?.get('ids') as string[] | undefined) ?? [];
      if (ids.length > 0) await session.run('TERMINATE TRANSACTIONS $ids', { ids });
    } finally {
      await session.close();
    }
  }

  private async drop(graph: string): Promise<void> {
    const session = this.session();
    try {
      await session.run('CALL gds.graph.drop($graph, false) YIELD graphName RETURN graphName', { graph });
    } finally {
      await session.close();
    }
  }

  /** Projection plus every step, estimated on a graph of the same size; the limit and where it comes from. */
  private async estimate(session: Session, n: number, relationships: number, steps: Step[]): Promise<{ estimateMb: number; limitMb: number; limitFrom: string }> {
    const size = { nodeCount: int(n), relationshipCount: int(relationships) };
    const projection = await session.run(
      "CALL gds.graph.project.estimate('*', {ARC: {properties: 'weight'}}, $size) YIELD bytesMax RETURN bytesMax",
      { size },
    );
    let bytes = toNumber(projection.records[0]?.get('bytesMax'));
    for (const step of steps) {
      if (step.procedure === 'closeness' || step.procedure === 'harmonic') {
        // No estimate procedure for these: two numbers per node and the three 64-source BFS bit sets per thread.
        bytes += n * (16 + 24 * (this.options.concurrency ?? 2));
        continue;
      }
      const { mutateProperty: _m, ...config } = step.config;
      const result = await session.run(
        `CALL ${PROCEDURES[step.procedure]}.mutate.estimate($graph, $config) YIELD bytesMax RETURN bytesMax`,
        {
          graph: { ...size, nodeProjection: '*', relationshipProjection: { ARC: { type: '*', properties: 'weight' }, REV: { type: '*', properties: 'weight' }, PAIR: { type: '*', orientation: 'UNDIRECTED', properties: 'weight' } } },
          config: { ...config, mutateProperty: 'estimate', ...(step.procedure === 'hits' ? { authProperty: 'a', hubProperty: 'h' } : {}) },
        },
      );
      bytes += toNumber(result.records[0]?.get('bytesMax'));
    }
    if (this.options.maxMemoryMb > 0) return { estimateMb: mib(bytes), limitMb: this.options.maxMemoryMb, limitFrom: 'GDS_MAX_MEMORY_MB' };
    const heap = await session.run("CALL gds.debug.sysInfo() YIELD key, value WITH key, value WHERE key = 'availableHeapInBytes' RETURN value");
    return { estimateMb: mib(bytes), limitMb: mib(toNumber(heap.records[0]?.get('value'))), limitFrom: "the database's free heap" };
  }

  private async streamHits(session: Session, graph: string, n: number, config: Record<string, unknown>) {
    const hub = new Float64Array(n);
    const authority = new Float64Array(n);
    const result = session.run('CALL gds.hits.stream($graph, $config) YIELD nodeId, values RETURN nodeId, values', { graph, config });
    for await (const record of result) {
      const i = toNumber(record.get('nodeId'));
      const v = record.get('values') as { hub: number; auth: number };
      hub[i] = v.hub;
      authority[i] = v.auth;
    }
    const stats = await session.run('CALL gds.hits.stats($graph, $config) YIELD ranIterations, didConverge RETURN ranIterations, didConverge', { graph, config });
    return { hub, authority, ranIterations: toNumber(stats.records[0]?.get('ranIterations')), didConverge: Boolean(stats.records[0]?.get('didConverge')) };
  }

  private async streamProperties(session: Session, graph: string, n: number, properties: string[]): Promise<Map<string, Float64Array>> {
    const out = new Map(properties.map((name) => [name, new Float64Array(n)]));
    const result = session.run(
      'CALL gds.graph.nodeProperties.stream($graph, $properties) YIELD nodeId, nodeProperty, propertyValue RETURN nodeId, nodeProperty, propertyValue',
      { graph, properties },
    );
    for await (const record of result) {
      const column = out.get(record.get('nodeProperty') as string);
      if (column) column[toNumber(record.get('nodeId'))] = toNumber(record.get('propertyValue'));
    }
    return out;
  }

  /** GDS figures in the in-process kernels' shapes and units. */
  private results(
    n: number,
    params: RunParams,
    steps: Step[],
    stats: Partial<Record<Procedure, Record<string, unknown>>>,
    values: Map<string, Float64Array>,
  ): EngineResults {
    const col = (name: string) => values.get(name)!;
    const has = (phase: EnginePhase) => steps.some((s) => s.phase === phase);
    const out: EngineResults = {};
    if (has('degree')) {
      out.degree = { inDegree: col('inDegree'), outDegree: col('outDegree'), weightedInDegree: col('weightedInDegree'), weightedOutDegree: col('weightedOutDegree') };
    }
    if (has('pagerank')) {
      const s = stats.pagerank ?? {};
      out.pagerank = { scores: scaleToSum(col('pagerank')), iterations: toNumber(s.ranIterations), converged: Boolean(s.didConverge), delta: Number.NaN };
    }
    if (has('betweenness')) out.betweenness = betweennessResult(col('betweenness'), n, params);
    if (has('closeness')) out.closeness = { scores: col('closeness'), exact: true, samples: n };
    if (has('harmonic')) out.harmonic = { scores: col('harmonic').map((x) => x * (n - 1)), exact: true, samples: n };
    if (has('hits')) {
      const s = stats.hits ?? {};
      out.hits = { hubs: scaleToSum(col('hub')), authorities: scaleToSum(col('authority')), iterations: toNumber(s.ranIterations), converged: Boolean(s.didConverge), delta: Number.NaN };
    }
    if (has('kcore')) out.kcore = Int32Array.from(col('coreNumber'));
    if (has('wcc')) out.wcc = canonical(col('componentId'));
    if (has('louvain')) {
      const s = stats.louvain ?? {};
      const c = canonical(col('community'));
      const result: LouvainResult = { communities: c.labels, count: c.count, modularity: Number(s.modularity), levels: toNumber(s.ranLevels) };
      out.louvain = result;
    }
    return out;
  }
}

/**
 * GDS betweenness in the in-process units: normalised by (n−1)(n−2); sampled sums (GDS adds the
 * dependencies of its k sources unscaled) × n/k first. The error bound is the in-process kernel's
 * Hoeffding bound for k − 1 sources at 95 %; GDS gives no per-node standard errors.
 */
function betweennessResult(raw: Float64Array, n: number, params: RunParams): BetweennessResult {
  const exact = n <= params.betweenness.maxExactNodes;
  const k = exact ? n : Math.min(n, params.betweenness.samples);
  const scale = n < 3 ? 0 : (exact || k >= n ? 1 : n / k) / ((n - 1) * (n - 2));
  const confidence = 0.95;
  const kk = Math.max(1, k - 1);
  const bound = (delta: number) => Math.sqrt(Math.log(2 / delta) / (2 * kk));
  const sampled = !exact && k < n;
  return {
    scores: raw.map((x) => x * scale),
    exact: !sampled,
    samples: k,
    errorBound: sampled ? bound(1 - confidence) : 0,
    errorBoundAllNodes: sampled ? bound((1 - confidence) / n) : 0,
    confidence,
    standardErrors: null,
    relativeErrorTop: null,
  };
}

/** Rejects as soon as `signal` aborts (the query may still finish on the server; the caller drops the graph). */
function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
