/**
 * Keeps the in-memory read model (ScoreSnapshot) of the last completed analytics run current:
 * loaded on first use, reloaded when this process completes a run, and checked periodically for
 * runs completed by another process (the CLI, a second service instance).
 */
import { AppError } from './errors.js';
import { DEFAULT_INFLUENCE_WEIGHTS } from './influence.js';
import { networkGraphOf, type NetworkGraph } from './network-graph.js';
import { DEFAULT_PROJECTION, type Projection, type ProjectionSource } from './projection.js';
import { ScoreSnapshot, type SnapshotData } from './score-snapshot.js';
import type { AnalyticsRun } from './analytics-run.service.js';
import type { BrandStanceSummary, ScoreField, ScoreSet } from './scoring.js';

export interface CustomerDetails {
  name: (string | null)[];
  handle: (string | null)[];
  segment: (string | null)[];
  region: (string | null)[];
  /** 1 for opted-out customers and for customers no longer stored. */
  optedOut: Uint8Array;
}

export interface SnapshotSource {
  /** Id of the last completed run, or undefined when none has completed. */
  latestCompletedRunId(): Promise<string | undefined>;
  load(): Promise<SnapshotData | undefined>;
  /** Who the given customers are, aligned with `ids`. */
  details(ids: string[]): Promise<CustomerDetails>;
}

export class SnapshotService {
  private snapshot: ScoreSnapshot | undefined;
  private loading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private network: { runId: string; graph: Promise<NetworkGraph> } | undefined;

  constructor(
    private readonly source: SnapshotSource,
    private readonly projections: ProjectionSource,
  ) {}

  /**
   * The graph of the current snapshot's run for path questions: the run's own projection when this
   * process ran it, otherwise projected from the database on first use (and kept).
   */
  async graph(): Promise<NetworkGraph> {
    const s = await this.current();
    if (this.network?.runId !== s.runId) {
      const asOf = (s.data.run.summary.stance as { asOf?: string } | undefined)?.asOf;
      const graph = this.projections
        .project({ ...DEFAULT_PROJECTION, ...s.data.run.params.projection, ...(asOf ? { asOf } : {}) })
        .then(networkGraphOf);
      this.network = { runId: s.runId, graph };
      graph.catch(() => {
        if (this.network?.graph === graph) this.network = undefined;
      });
    }
    return this.network.graph;
  }


  /** The current snapshot; 409 when no analytics run has completed yet. */
  async current(): Promise<ScoreSnapshot> {
    if (!this.snapshot) await this.reload();
    if (!this.snapshot) {
      throw new AppError('NO_COMPLETED_RUN', 409, 'No analytics run has completed yet; start one with POST /v1/analytics/runs');
    }
    return this.snapshot;
  }

  /** Loads the latest completed run (concurrent callers share one load). */
  reload(): Promise<void> {
    this.loading ??= this.source
      .load()
      .then((data) => {
        // The new snapshot is prepared completely before it replaces the current one.
        if (data) this.snapshot = new ScoreSnapshot(data).warm(DEFAULT_INFLUENCE_WEIGHTS);
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /**
   * Builds the snapshot of a run this process has just published from its results in memory,
   * instead of reading them back (at 100k customers reading the run's arrays back takes far longer
   * than the run's algorithms). The current snapshot becomes the previous run.
   */
  async adoptResults(run: AnalyticsRun, projection: Projection, result: ScoreSet): Promise<void> {
    const before = this.snapshot;
    const details = await this.source.details(projection.ids);
    const fields: SnapshotData['fields'] = {};
    for (const [f, values] of Object.entries(result.fields) as [ScoreField, Float64Array | Int32Array][]) {
      fields[f] = values instanceof Float64Array ? values : Float64Array.from(values);
    }
    const stanceSummary = (run.summary.stance as { summary?: Record<string, BrandStanceSummary> } | undefined)?.summary;
    const data: SnapshotData = {
      run: { id: run.id, finishedAt: run.finishedAt!, summary: run.summary, phases: run.phases, params: run.params },
      previousRun: before
        ? { id: before.runId, finishedAt: before.data.run.finishedAt, ids: before.data.ids, fields: before.data.fields }
        : undefined,
      ids: projection.ids,
      ...details,
      participationTier: result.text.participationTier,
      topics: result.text.topics,
      fields,
      communities: result.communities,
      stance: result.stance
        ? { brands: result.stance.brands, classes: result.stance.classes, scores: result.stance.scores, latestNps: result.stance.latestNps }
        : undefined,
      history: [{ runId: run.id, finishedAt: run.finishedAt!, stance: stanceSummary }, ...(before?.data.history ?? [])].slice(0, 20),
    };
    this.snapshot = new ScoreSnapshot(data).warm(DEFAULT_INFLUENCE_WEIGHTS);
    this.network = { runId: run.id, graph: Promise.resolve(networkGraphOf(projection)) };
  }

  /** Reloads when another process has completed a newer run. */
  async check(): Promise<void> {
    const latest = await this.source.latestCompletedRunId();
    if (latest && latest !== this.snapshot?.runId) await this.reload();
  }

  startPolling(everyMs = 15_000): void {
    this.timer ??= setInterval(() => void this.check().catch(() => undefined), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
