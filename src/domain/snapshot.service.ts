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

export interface SnapshotSource {
  /** Id of the last completed run, or undefined when none has completed. */
  latestCompletedRunId(): Promise<string | undefined>;
  load(): Promise<SnapshotData | undefined>;
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

  /** Adopts a run's projection as the path graph (called after the run's results are committed). */
  adopt(runId: string, projection: Projection): void {
    this.network = { runId, graph: Promise.resolve(networkGraphOf(projection)) };
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
