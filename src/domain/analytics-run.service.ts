/**
 * Analytics runs: project the graph, run the chosen algorithms phase by phase, and publish the
 * scores. Publishing is one database transaction that writes every customer's scores, the run's
 * per-run results and its `completed` status together — so readers always see the last completed
 * run, and a run that fails, is cancelled or is killed midway leaves the previous results whole.
 *
 * One run at a time across every process on the database (API replicas, the CLI): a run starts
 * only once it holds the database lease, renews it while it goes on and releases it at the end;
 * a lease whose holder stopped renewing expires and can be taken over. Once the publication has
 * committed the run is completed for good: no later failure turns it into `failed`.
 *
 * The algorithm phases run in a worker thread (run-worker.runner.ts), so requests keep being
 * answered during a long phase; a cancel, a park or a lost lease terminates the worker at once.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AppError, conflict, notFound } from './errors.js';
import { chooseEngine, IN_PROCESS_ONLY, requireGds, type EngineSettings } from './engines/choose-engine.js';
import type { AnalyticsEngine, EngineReport } from './engines/engine.js';
import type { Projection, ProjectionSource } from './projection.js';
import { runScoringInWorker } from './run-worker.runner.js';
import { runScoringTask, type ScoringEvent, type ScoringTask } from './run-worker-task.js';
import { ALGORITHMS, OFFLOADED_PHASES, RunParamsSchema, SCORE_FIELDS, searchesLast, type CommunitySummary, type RunParams, type ScoreField, type ScoreSet, type StanceScores, type TextScores } from './scoring.js';

export const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunPhase {
  name: string;
  status: 'pending' | 'running' | 'done' | 'skipped';
  ms?: number;
}

export interface AnalyticsRun {
  id: string;
  status: RunStatus;
  params: RunParams;
  startedAt: string;
  finishedAt?: string;
  /** 0..1: finished phases over all phases. */
  progress: number;
  phases: RunPhase[];
  summary: Record<string, unknown>;
  message?: string;
  /** Peak resident memory of the service process during the run, in MB. */
  peakRssMb?: number;
}

export interface PublishInput {
  run: AnalyticsRun;
  ids: string[];
  fields: Partial<Record<ScoreField, Float64Array | Int32Array>>;
  text: TextScores;
  stance?: StanceScores;
  communities: CommunitySummary[];
  /** Completed runs whose per-run results are kept (older ones are pruned in the same transaction). */
  keepRuns: number;
  /** Checked between write batches; returning true aborts (rolls back) the publication. */
  cancelled: () => boolean;
  onBatch?: (done: number, total: number) => void | Promise<void>;
  /** Checked and renewed last in the transaction that makes the run current; a lost lease rolls it back. */
  lease?: LeaseHolder;
  /** Called once the run is current (readers see it); what follows (property refresh) resumes at start if cut short. */
  onFlipped?: () => void;
  communityIds?: CommunityIdReservation;
}

/** Who holds (or asks for) the run lease, for which run, and for how long it lasts unless renewed. */
export interface LeaseHolder {
  holder: string;
  runId: string;
  ttlMs: number;
}

export type LeaseClaim = { acquired: true } | { acquired: false; holder: string; runId: string; expiresInMs: number };

/** Fresh community ids of a run, handed out inside its publication transaction. */
export interface CommunityIdReservation {
  /**
   * Called with the first id nobody has used yet; moves the run's fresh ids to start there (if
   * they do not already) and returns the largest id the run now uses. Idempotent for retries.
   */
  reserveFrom(next: number): number;
}

/** The subset of pino's logger the domain uses. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silentLogger };

export interface AnalyticsRunRepository {
  /** Stores a new run (status running). */
  create(run: AnalyticsRun): Promise<void>;
  /** Updates a run that is still running (or keeps its finished status); false, and nothing written, for any other transition. */
  save(run: AnalyticsRun): Promise<boolean>;
  acquireLease(holder: LeaseHolder): Promise<LeaseClaim>;
  /** False when the lease is no longer this holder's (expired and taken over). */
  renewLease(holder: LeaseHolder): Promise<boolean>;
  releaseLease(holder: LeaseHolder): Promise<void>;
  get(id: string): Promise<AnalyticsRun | undefined>;
  list(limit: number): Promise<AnalyticsRun[]>;
  /** The largest community id ever handed out by a published run (−1 when none). */
  maxCommunityId(): Promise<number>;
  /** Marks runs left running by a stopped process (lease expired, or held by `holder`) as interrupted. */
  markInterrupted(holder: string): Promise<number>;
  /** Writes a completed run's results in bounded batches and makes it current in one small transaction. */
  publish(input: PublishInput): Promise<void>;
  /** At start: removes results of runs that stopped before becoming current, and finishes a cut-short refresh. */
  recoverPublication(): Promise<void>;
  /** Runs the publication's write statements once with nothing to write, so a first run does not pay for their planning. Optional. */
  warmUp?(): Promise<void>;
}

export class RunCancelled extends Error {}

/** The run's lease was taken over by another process (this one stopped renewing it in time). */
export class LeaseLost extends Error {
  constructor(runId: string) {
    super(`Analytics run '${runId}' no longer holds the run lease`);
    this.name = 'LeaseLost';
  }
}

export interface AnalyticsRunOptions {
  /** Completed runs whose per-run results are kept. */
  keepRuns: number;
  /** How long the lease lasts without renewal; renewed every third of it. */
  leaseTtlMs?: number;
  logger?: Logger;
  /** This service's name on the lease (default: host, pid and a random suffix). */
  holder?: string;
  /** Where the algorithm phases run: a worker thread (default) or this thread. Same results either way. */
  scoring?: 'worker' | 'thread';
  /** Threads a run's scoring may keep busy (default 1); from 2 on, the sampled searches run beside the other phases. Same results. */
  threads?: number;
  /** Which engine computes a run's graph algorithms (default: always in-process). */
  engines?: EngineSettings;
}

const DEFAULT_LEASE_TTL_MS = 30_000;

export interface RunHooks {
  /** Called at every phase change with the run's current state. */
  onProgress?: (run: AnalyticsRun) => void;
  /** Awaited after each write batch of the publication (inside its transaction). */
  onPublishBatch?: (done: number, total: number) => void | Promise<void>;
}

const PUBLISH_PHASE = 'publish';

interface RunHandle {
  run: AnalyticsRun;
  cancel: boolean;
  /** Set when the service stops: the run ends `interrupted` rather than `cancelled`. */
  park: boolean;
  leaseLost: boolean;
  /** Aborted on cancel, park or a lost lease: stops the scoring at once. */
  abort: AbortController;
  done: Promise<void>;
}

/** Moves a run's fresh community ids (those ≥ firstFresh) so that they start at a given id. */
export class FreshCommunityIds implements CommunityIdReservation {
  private offset = 0;

  constructor(
    private readonly result: ScoreSet,
    private readonly firstFresh: number,
  ) {}

  reserveFrom(next: number): number {
    const louvain = this.result.summary.louvain as { maxCommunityId: number } | undefined;
    const community = this.result.fields.community;
    if (!louvain || !community) return next - 1;
    const offset = Math.max(0, next - this.firstFresh);
    const delta = offset - this.offset;
    if (delta !== 0) {
      const from = this.firstFresh + this.offset;
      const move = (id: number) => (id >= from ? id + delta : id);
      for (let i = 0; i < community.length; i++) community[i] = move(community[i]);
      for (const c of this.result.communities) {
        c.id = move(c.id);
        for (const t of c.ties) t.community = move(t.community);
      }
      louvain.maxCommunityId = louvain.maxCommunityId >= from ? louvain.maxCommunityId + delta : louvain.maxCommunityId;
      this.offset = offset;
    }
    return louvain.maxCommunityId;
  }
}

export class AnalyticsRunService {
  private current: RunHandle | undefined;
  /** The projection warm-up in progress, stopped when a run starts. */
  private warming: AbortController | undefined;
  /** Set by a warm-up that completed: the next run's projection is prepared ahead from then on (ProjectionSource.standBy). */
  private standingBy = false;
  private stopped = false;
  private readonly completedListeners: ((run: AnalyticsRun, projection: Projection, result: ScoreSet) => Promise<void> | void)[] = [];
  private readonly publishingListeners: ((run: AnalyticsRun, projection: Projection) => (() => void) | void)[] = [];
  private readonly keepRuns: number;
  private readonly leaseTtlMs: number;
  private readonly log: Logger;
  private readonly scoring: 'worker' | 'thread';
  private readonly threads: number;
  private readonly engines: EngineSettings;
  readonly holder: string;

  constructor(
    private readonly projection: ProjectionSource,
    private readonly runs: AnalyticsRunRepository,
    options: AnalyticsRunOptions,
  ) {
    this.keepRuns = options.keepRuns;
    this.leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.log = options.logger ?? silentLogger;
    this.scoring = options.scoring ?? 'worker';
    this.threads = options.threads ?? 1;
    this.engines = options.engines ?? IN_PROCESS_ONLY;
  }

  /** Called (and awaited) after a run's results are committed, before the run counts as finished here. */
  onCompleted(listener: (run: AnalyticsRun, projection: Projection, result: ScoreSet) => Promise<void> | void): void {
    this.completedListeners.push(listener);
  }

  /**
   * Called when a run's scoring is done and its publication starts, to prepare what adopting it
   * needs (read while the publication writes). The function a listener returns is called if the
   * run then does not become current.
   */
  onPublishing(listener: (run: AnalyticsRun, projection: Projection) => (() => void) | void): void {
    this.publishingListeners.push(listener);
  }

  /**
   * Marks runs a stopped process left `running` as interrupted: those whose lease expired or was
   * released, and those this holder owned. A run another live process is doing is left alone.
   */
  async recover(): Promise<number> {
    const interrupted = await this.runs.markInterrupted(this.holder);
    await this.runs.recoverPublication();
    return interrupted;
  }

  /**
   * Warms the database's projection path up once, in the background of a start (ProjectionSource.warmUp),
   * then the publication's statements (AnalyticsRunRepository.warmUp): the first run after the
   * database started then reads its projection and writes its results about as fast as the next
   * ones. A run that starts meanwhile stops the warm-up at once, so it never competes with a run.
   * Once warmed, the projection source also prepares each next run's projection ahead (standBy:
   * now, and after every run). Resolves the milliseconds it took, or null when it was stopped, failed or had nothing to warm
   * (a warm-up is an optimisation: its failure is logged as a warning, never raised).
   */
  async warmUp(): Promise<number | null> {
    if (!this.projection.warmUp || this.current || this.warming || this.stopped) return null;
    const warming = (this.warming = new AbortController());
    const started = performance.now();
    try {
      if (!(await this.projection.warmUp(warming.signal))) return null;
      if (!warming.signal.aborted) await this.runs.warmUp?.();
      // From now on, the next run's projection thread waits ready (started again after each run).
      this.standingBy = true;
      if (!this.current) this.projection.standBy?.();
      const ms = Math.round(performance.now() - started);
      this.log.info({ ms }, 'projection warmed up');
      return ms;
    } catch (error) {
      if (!warming.signal.aborted) this.log.warn({ err: error }, 'the projection warm-up failed');
      return null;
    } finally {
      if (this.warming === warming) this.warming = undefined;
    }
  }

  /** Starts a run in the background; 409 while another run (of any process) is in progress. */
  async start(input: unknown, hooks: RunHooks = {}): Promise<AnalyticsRun> {
    if (this.stopped) throw new AppError('SERVICE_STOPPING', 503, 'The service is stopping; start the run again shortly', { retriable: true });
    if (this.current) throw conflict('RUN_IN_PROGRESS', `Analytics run '${this.current.run.id}' is still running`);
    const parsed = RunParamsSchema.safeParse(input ?? {});
    if (!parsed.success) {
      throw new AppError('VALIDATION_FAILED', 400, 'The run parameters are invalid', {
        problems: parsed.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)], message: i.message, code: i.code })),
      });
    }
    const params = parsed.data;
    // A run that must use GDS is refused up front when the database has none.
    if ((params.engine ?? this.engines.default) === 'gds') await requireGds(this.engines);
    const inOrder = ['projection', 'graph', ...ALGORITHMS.filter((a) => params.algorithms.includes(a)), 'influence', PUBLISH_PHASE];
    // Listed in the order they run: with a second thread the sampled searches are waited for last.
    const names = this.threads >= 2 ? searchesLast(inOrder, (name) => name, new Set<string>(OFFLOADED_PHASES)) : inOrder;
    const run: AnalyticsRun = {
      id: randomUUID(),
      status: 'running',
      params,
      startedAt: new Date().toISOString(),
      progress: 0,
      phases: names.map((name) => ({ name, status: 'pending' })),
      summary: {},
    };
    const handle: RunHandle = { run, cancel: false, park: false, leaseLost: false, abort: new AbortController(), done: Promise.resolve() };
    this.current = handle;
    // A warm-up in progress gives way to the run.
    this.warming?.abort();
    const lease: LeaseHolder = { holder: this.holder, runId: run.id, ttlMs: this.leaseTtlMs };
    try {
      const claim = await this.runs.acquireLease(lease);
      if (!claim.acquired) {
        throw conflict('RUN_IN_PROGRESS', `Analytics run '${claim.runId}' is still running (held by ${claim.holder})`);
      }
      try {
        await this.runs.create(run);
      } catch (error) {
        await this.runs.releaseLease(lease).catch(() => undefined);
        throw error;
      }
    } catch (error) {
      this.current = undefined;
      throw error;
    }
    const log = this.log.child({ runId: run.id });
    log.info({ params }, 'analytics run started');
    handle.done = this.execute(handle, lease, hooks, log).finally(() => {
      this.current = undefined;
      if (this.standingBy && !this.stopped) this.projection.standBy?.();
    });
    return run;
  }

  async get(id: string): Promise<AnalyticsRun> {
    if (this.current?.run.id === id) return this.current.run;
    const run = await this.runs.get(id);
    if (!run) throw notFound('Analytics run', id);
    return run;
  }

  list(limit = 20): Promise<AnalyticsRun[]> {
    return this.runs.list(limit);
  }

  /** Cancels the run in progress; the scoring stops at once, the publication at its next write batch. */
  async cancel(id: string): Promise<AnalyticsRun> {
    const handle = this.current;
    if (!handle || handle.run.id !== id) {
      const run = await this.get(id);
      throw conflict('RUN_NOT_RUNNING', `Analytics run '${id}' is ${run.status}, not running`);
    }
    handle.cancel = true;
    handle.abort.abort();
    await handle.done;
    return this.get(id);
  }

  /**
   * Stops accepting runs and parks the one in progress: it stops at the next phase boundary or
   * write batch, ends `interrupted` with the previous results in place, and releases the lease.
   * Resolves when it has stopped (the caller bounds the wait).
   */
  async park(): Promise<AnalyticsRun | undefined> {
    this.stopped = true;
    this.warming?.abort();
    await this.projection.close?.();
    const handle = this.current;
    if (!handle) return undefined;
    handle.park = true;
    handle.cancel = true;
    handle.abort.abort();
    await handle.done;
    return handle.run;
  }

  /** Waits for a run started by this service (CLI, tests). */
  async wait(id: string): Promise<AnalyticsRun> {
    if (this.current?.run.id === id) await this.current.done;
    return this.get(id);
  }

  private async execute(handle: RunHandle, lease: LeaseHolder, hooks: RunHooks, log: Logger): Promise<void> {
    const { run } = handle;
    // A failing progress display never changes how the run ends.
    const onProgress = (r: AnalyticsRun) => {
      try {
        hooks.onProgress?.(r);
      } catch (error) {
        log.warn({ err: error }, 'a progress listener of the analytics run failed');
      }
    };
    let peak = process.memoryUsage().rss;
    const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
    const phase = (name: string) => run.phases.find((p) => p.name === name)!;
    let published = false;
    const report = async () => {
      run.progress = run.phases.filter((p) => p.status === 'done' || p.status === 'skipped').length / run.phases.length;
      run.peakRssMb = Math.round(sample() / 2 ** 20);
      onProgress(run);
      if (!published) await this.runs.save(run);
      else await this.runs.save(run).catch((error: unknown) => log.warn({ err: error }, 'could not record the final timings of the run'));
    };
    const timed = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
      if (handle.cancel) throw new RunCancelled();
      if (handle.leaseLost) throw new LeaseLost(run.id);
      const p = phase(name);
      p.status = 'running';
      await report();
      const started = performance.now();
      // Let pending I/O (status requests) through before a long synchronous phase.
      await new Promise((resolve) => setImmediate(resolve));
      const value = await work();
      p.ms = Math.round(performance.now() - started);
      p.status = 'done';
      await report();
      return value;
    };

    // Heartbeat well inside the expiry; a lease taken over stops the run at its next check.
    const heartbeat = setInterval(() => {
      this.runs.renewLease(lease).then(
        (held) => {
          if (!held && !published) {
            handle.leaseLost = true;
            handle.abort.abort();
            log.warn({}, 'analytics run lost its lease');
          }
        },
        (error: unknown) => log.warn({ err: error }, 'could not renew the analytics run lease'),
      );
    }, Math.max(100, Math.floor(this.leaseTtlMs / 3)));
    heartbeat.unref();

    try {
      // Communities continue from the last run that detected them, even if later runs skipped Louvain.
      let projection: Projection = await timed('projection', () =>
        this.projection.project(run.params.projection, undefined, handle.abort.signal, { previousCommunities: true }),
      );
      const maxCommunityId = await this.runs.maxCommunityId();
      const engine = await chooseEngine(run.params.engine, projection.ids.length, projection.src.length, this.engines);
      run.summary = { engine: engine.report };
      log.info({ engine: engine.report.name, reason: engine.report.reason }, 'analytics run engine chosen');
      const scored = await this.score(handle, { projection, params: run.params, previousMaxCommunityId: maxCommunityId, threads: this.threads }, report, engine);
      projection = scored.projection;
      const result = scored.result;
      result.summary.engine = engine.report;
      run.summary = result.summary;
      // The listeners (the API's read model) adopt the run as soon as it is current, while the
      // publication goes on refreshing the customers' plain properties for the Cypher library: the
      // API shows the new run without waiting for that refresh (about 40 s at 1M customers).
      let adopted: Promise<void> | undefined;
      const adopt = async () => {
        for (const listener of this.completedListeners) {
          try {
            await listener(run, projection, result);
          } catch (error) {
            log.error({ err: error }, 'a listener of completed runs failed');
          }
        }
      };
      const abandon: (() => void)[] = [];
      for (const listener of this.publishingListeners) {
        try {
          const undo = listener(run, projection);
          if (undo) abandon.push(undo);
        } catch (error) {
          log.error({ err: error }, 'a listener of publications failed');
        }
      }
      await timed(PUBLISH_PHASE, async () => {
        // The run is stored as completed by the transaction that makes it current; this process
        // shows it as completed only once that transaction has committed.
        const finishedAt = new Date().toISOString();
        const completed: AnalyticsRun = {
          ...run,
          status: 'completed',
          finishedAt,
          progress: 1,
          peakRssMb: Math.round(sample() / 2 ** 20),
          phases: run.phases.map((p) => (p.name === PUBLISH_PHASE ? { ...p, status: 'done' } : p)),
        };
        await this.runs.publish({
          run: completed,
          ids: projection.ids,
          fields: result.fields,
          text: result.text,
          stance: result.stance,
          communities: result.communities,
          keepRuns: this.keepRuns,
          cancelled: () => handle.cancel || handle.leaseLost,
          onBatch: async (done, total) => {
            onProgress(run);
            await hooks.onPublishBatch?.(done, total);
          },
          lease,
          communityIds: new FreshCommunityIds(result, maxCommunityId + 1),
          onFlipped: () => {
            published = true;
            Object.assign(run, { status: 'completed', finishedAt, peakRssMb: completed.peakRssMb });
            adopted = adopt();
          },
        })
          .catch((error: unknown) => {
            if (!published) for (const undo of abandon) undo();
            throw error;
          })
          .finally(() => adopted);
      });
      log.info({ summary: run.summary }, 'analytics run completed');
      await (adopted ?? adopt());
      onProgress(run);
    } catch (error) {
      if (published) {
        // The results are committed and readers see them: the run stays completed.
        run.status = 'completed';
        log.error({ err: error }, 'a step after the publication failed; the run stays completed');
        onProgress(run);
      } else {
        const parked = handle.park;
        const cancelled = !parked && (error instanceof RunCancelled || handle.cancel);
        run.status = parked ? 'interrupted' : cancelled ? 'cancelled' : 'failed';
        run.finishedAt = new Date().toISOString();
        run.message = parked
          ? 'The service stopped during this run; the previous results stay in place'
          : cancelled
            ? 'Cancelled; the previous results stay in place'
            : error instanceof LeaseLost || handle.leaseLost
              ? 'Another process took over the run lease; the previous results stay in place'
              : `${error instanceof AppError ? error.message : 'The run stopped on an internal error'}; the previous results stay in place`;
        for (const p of run.phases) if (p.status === 'pending' || p.status === 'running') p.status = 'skipped';
        if (run.status === 'failed') log.error({ err: error }, 'analytics run failed');
        else log.info({ status: run.status }, `analytics run ${run.status}`);
        await this.runs.save(run).catch((e: unknown) => log.warn({ err: e }, 'could not record how the analytics run ended'));
        onProgress(run);
      }
    } finally {
      clearInterval(heartbeat);
      await this.runs.releaseLease(lease).catch((e: unknown) => log.warn({ err: e }, 'could not release the analytics run lease'));
    }
  }

  /**
   * Runs the algorithm phases (in a worker thread unless configured otherwise), marking each
   * phase running and done as the scoring reports it and recording each change in order.
   */
  private async score(
    handle: RunHandle,
    task: ScoringTask,
    report: () => Promise<void>,
    engine: { engine?: AnalyticsEngine; report: EngineReport } = { report: { name: 'in-process', requested: 'in-process', reason: 'in-process' } },
  ): Promise<{ projection: Projection; result: ScoreSet }> {
    const { run } = handle;
    if (handle.cancel) throw new RunCancelled();
    if (handle.leaseLost) throw new LeaseLost(run.id);
    let saved = Promise.resolve();
    let saveError: unknown;
    const record = () => {
      saved = saved.then(report).catch((error: unknown) => {
        saveError ??= error;
        handle.abort.abort();
      });
    };
    const onEvent = (e: ScoringEvent) => {
      const p = run.phases.find((x) => x.name === e.name);
      if (!p) return;
      if (e.type === 'progress') {
        // Within a phase, progress moves by the share of that phase done (recorded at the phase's end).
        const finished = run.phases.filter((x) => x.status === 'done' || x.status === 'skipped').length;
        run.progress = (finished + Math.min(1, Math.max(0, e.fraction))) / run.phases.length;
        return;
      }
      if (e.state === 'running') p.status = 'running';
      else Object.assign(p, { status: 'done', ms: e.ms });
      record();
    };
    const signal = handle.abort.signal;
    try {
      let scored: { projection: Projection; result: ScoreSet };
      if (engine.engine) {
        // A remote engine computes its phases first; the worker then runs the others on the projection.
        task.precomputed = await engine.engine.compute(
          {
            runId: run.id,
            projection: task.projection,
            params: task.params,
            signal,
            onPhase: (name, state, ms) => onEvent(state === 'running' ? { type: 'phase', name, state } : { type: 'phase', name, state, ms: ms ?? 0 }),
          },
          engine.report,
        );
      }
      if (this.scoring === 'worker') scored = await runScoringInWorker(task, onEvent, signal);
      else {
        // In this thread: let pending I/O (status requests) through first.
        await new Promise((resolve) => setImmediate(resolve));
        scored = { projection: task.projection, result: await runScoringTask(task, onEvent, signal) };
      }
      await saved;
      if (saveError) throw saveError;
      return scored;
    } catch (error) {
      await saved;
      if (handle.leaseLost) throw new LeaseLost(run.id);
      if (handle.cancel) throw new RunCancelled();
      throw saveError ?? error;
    }
  }
}

export { SCORE_FIELDS };
