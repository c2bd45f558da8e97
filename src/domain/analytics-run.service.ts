/**
 * Analytics runs: project the graph, run the chosen algorithms phase by phase, and publish the
 * scores. Publishing is one database transaction that writes every customer's scores, the run's
 * per-run results and its `completed` status together — so readers always see the last completed
 * run, and a run that fails, is cancelled or is killed midway leaves the previous results whole.
 * One run at a time per service.
 */
import { randomUUID } from 'node:crypto';
import { AppError, conflict, notFound } from './errors.js';
import type { Projection, ProjectionSource } from './projection.js';
import { ALGORITHMS, RunParamsSchema, scoringPhases, SCORE_FIELDS, type CommunitySummary, type RunParams, type ScoreField, type ScoreSet, type StanceScores, type TextScores } from './scoring.js';

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
}

export interface AnalyticsRunRepository {
  save(run: AnalyticsRun): Promise<void>;
  get(id: string): Promise<AnalyticsRun | undefined>;
  list(limit: number): Promise<AnalyticsRun[]>;
  /** The largest community id ever handed out by a published run (−1 when none). */
  maxCommunityId(): Promise<number>;
  /** Community of each customer in the latest completed run that detected communities. */
  previousCommunities(): Promise<Map<string, number>>;
  markInterrupted(): Promise<number>;
  /** Writes everything of a completed run in one transaction. */
  publish(input: PublishInput): Promise<void>;
}

export class RunCancelled extends Error {}

export interface RunHooks {
  /** Called at every phase change with the run's current state. */
  onProgress?: (run: AnalyticsRun) => void;
  /** Awaited after each write batch of the publication (inside its transaction). */
  onPublishBatch?: (done: number, total: number) => void | Promise<void>;
}

const PUBLISH_PHASE = 'publish';

export class AnalyticsRunService {
  private current: { run: AnalyticsRun; cancel: boolean; done: Promise<void> } | undefined;
  private readonly completedListeners: ((run: AnalyticsRun, projection: Projection, result: ScoreSet) => Promise<void> | void)[] = [];

  constructor(
    private readonly projection: ProjectionSource,
    private readonly runs: AnalyticsRunRepository,
    private readonly keepRuns: number,
  ) {}

  /** Called (and awaited) after a run's results are committed, before the run counts as finished here. */
  onCompleted(listener: (run: AnalyticsRun, projection: Projection, result: ScoreSet) => Promise<void> | void): void {
    this.completedListeners.push(listener);
  }

  recover(): Promise<number> {
    return this.runs.markInterrupted();
  }

  /** Starts a run in the background; 409 while another run is in progress. */
  async start(input: unknown, hooks: RunHooks = {}): Promise<AnalyticsRun> {
    if (this.current) throw conflict('RUN_IN_PROGRESS', `Analytics run '${this.current.run.id}' is still running`);
    const parsed = RunParamsSchema.safeParse(input ?? {});
    if (!parsed.success) {
      throw new AppError('VALIDATION_FAILED', 400, 'The run parameters are invalid', {
        problems: parsed.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)], message: i.message, code: i.code })),
      });
    }
    const params = parsed.data;
    const names = ['projection', 'graph', ...ALGORITHMS.filter((a) => params.algorithms.includes(a)), 'influence', PUBLISH_PHASE];
    const run: AnalyticsRun = {
      id: randomUUID(),
      status: 'running',
      params,
      startedAt: new Date().toISOString(),
      progress: 0,
      phases: names.map((name) => ({ name, status: 'pending' })),
      summary: {},
    };
    const handle = { run, cancel: false, done: Promise.resolve() };
    this.current = handle;
    try {
      await this.runs.save(run);
    } catch (error) {
      this.current = undefined;
      throw error;
    }
    handle.done = this.execute(handle, hooks).finally(() => {
      this.current = undefined;
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

  /** Cancels the run in progress; it stops at the next phase boundary or write batch. */
  async cancel(id: string): Promise<AnalyticsRun> {
    const handle = this.current;
    if (!handle || handle.run.id !== id) {
      const run = await this.get(id);
      throw conflict('RUN_NOT_RUNNING', `Analytics run '${id}' is ${run.status}, not running`);
    }
    handle.cancel = true;
    await handle.done;
    return this.get(id);
  }

  /** Waits for a run started by this service (CLI, tests). */
  async wait(id: string): Promise<AnalyticsRun> {
    if (this.current?.run.id === id) await this.current.done;
    return this.get(id);
  }

  private async execute(handle: { run: AnalyticsRun; cancel: boolean }, hooks: RunHooks): Promise<void> {
    const { run } = handle;
    const onProgress = hooks.onProgress ?? (() => undefined);
    let peak = process.memoryUsage().rss;
    const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
    const phase = (name: string) => run.phases.find((p) => p.name === name)!;
    const report = async () => {
      run.progress = run.phases.filter((p) => p.status === 'done' || p.status === 'skipped').length / run.phases.length;
      run.peakRssMb = Math.round(sample() / 2 ** 20);
      onProgress(run);
      await this.runs.save(run);
    };
    const timed = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
      if (handle.cancel) throw new RunCancelled();
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

    try {
      const projection: Projection = await timed('projection', async () => {
        const [p, previous] = await Promise.all([this.projection.project(run.params.projection), this.runs.previousCommunities()]);
        // Communities continue from the last run that detected them, even if later runs skipped Louvain.
        p.previousCommunity = Int32Array.from(p.ids, (id) => previous.get(id) ?? -1);
        return p;
      });
      const { phases, result } = scoringPhases(projection, run.params, await this.runs.maxCommunityId());
      for (const step of phases) await timed(step.name, step.run);
      run.summary = result.summary;
      await timed(PUBLISH_PHASE, async () => {
        // The run is stored as completed inside the publication transaction; this process shows
        // it as completed only once that transaction has committed.
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
          cancelled: () => handle.cancel,
          onBatch: async (done, total) => {
            onProgress(run);
            await hooks.onPublishBatch?.(done, total);
          },
        });
        Object.assign(run, { status: 'completed', finishedAt, peakRssMb: completed.peakRssMb });
      });
      for (const listener of this.completedListeners) {
        try {
          await listener(run, projection, result);
        } catch (error) {
          console.error('after-run listener failed:', error);
        }
      }
      onProgress(run);
    } catch (error) {
      const cancelled = error instanceof RunCancelled || handle.cancel;
      run.status = cancelled ? 'cancelled' : 'failed';
      run.finishedAt = new Date().toISOString();
      run.message = cancelled
        ? 'Cancelled; the previous results stay in place'
        : `${error instanceof AppError ? error.message : 'The run stopped on an internal error'}; the previous results stay in place`;
      for (const p of run.phases) if (p.status === 'pending' || p.status === 'running') p.status = 'skipped';
      if (!cancelled && !(error instanceof AppError)) console.error('analytics run failed:', error);
      await this.runs.save(run).catch(() => undefined);
      onProgress(run);
    }
  }
}

export { SCORE_FIELDS };
