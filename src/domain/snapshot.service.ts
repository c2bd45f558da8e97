/**
 * Keeps the in-memory read model (ScoreSnapshot) of the last completed analytics run current:
 * loaded on first use, reloaded when this process completes a run, and checked periodically for
 * runs completed by another process (the CLI, a second service instance).
 */
import { AppError } from './errors.js';
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

  constructor(private readonly source: SnapshotSource) {}

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
        if (data) this.snapshot = new ScoreSnapshot(data);
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
