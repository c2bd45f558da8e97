/**
 * The projection read in a worker thread (projection-worker.ts): the same Projection as
 * Neo4jProjectionRepository, with its typed arrays transferred back (no copy), while the service's
 * event loop keeps answering. Its stance evidence comes back packed (`packedEvidence`, `evidence`
 * empty): the scoring's stance phase reads it packed, a customer at a time (eachEvidence); a
 * caller that wants the Maps here calls unpackProjectionEvidence. Its ids and topics come packed too and are restored here a slice per
 * turn of the event loop, with the packed copy kept (`packedText`) for the scoring worker.
 * Aborting terminates the worker at once; the database rolls back its read transactions when the
 * connection drops.
 *
 * standBy() starts the next projection's thread ahead: it loads its code and connects, then waits.
 * The service does so once the warm-up is done and after each run, so that a run's projection does
 * not pay for the thread's start and its connection (0.3–0.5 s at 100k customers on 2 cores; the
 * thread waits idle, about 20 MB). A thread still starting is used all the same (it is ahead of a
 * new one); one that has exited, or stands by on other connection settings, is not.
 */
import { restoreProjectionText, type Projection, type ProjectionExtras, type ProjectionOptions, type ProjectionSource } from '../domain/projection.js';
import type { GraphDatabase } from './database.js';
import { StandbyWorker } from '../domain/worker-thread.js';
import { readInWorker } from './database-worker.runner.js';

export class ProjectionAborted extends Error {
  constructor() {
    super('The projection was stopped');
    this.name = 'ProjectionAborted';
  }
}

export class WorkerProjectionSource implements ProjectionSource {
  private standby: { worker: StandbyWorker; settings: string } | undefined;

  constructor(private readonly db: GraphDatabase) {}

  /** Starts the next projection's thread, connected and waiting (the one already waiting is kept). */
  standBy(): void {
    const settings = JSON.stringify(this.db.connectionSettings());
    if (this.standby?.worker.alive && this.standby.settings === settings) return;
    void this.standby?.worker.terminate();
    this.standby = { worker: new StandbyWorker(import.meta.url, './projection-worker', { settings: this.db.connectionSettings(), standby: true }), settings };
  }

  /** Whether a thread stands by, ready for the next projection. */
  get standingBy(): boolean {
    return this.standby?.worker.ready ?? false;
  }

  /** Stops the thread standing by, if any. */
  async close(): Promise<void> {
    const standby = this.standby;
    this.standby = undefined;
    await standby?.worker.terminate();
  }

  /** The thread standing by, still alive and on the current settings (taken: it serves one projection); otherwise none, and any other is stopped. */
  private takeStandby(): StandbyWorker | undefined {
    const standby = this.standby;
    this.standby = undefined;
    if (standby?.worker.alive && standby.settings === JSON.stringify(this.db.connectionSettings())) return standby.worker;
    void standby?.worker.terminate();
    return undefined;
  }

  /** Neo4jProjectionRepository.warmUp in a worker thread (its sample's chunks are decoded there); aborting stops it at once. */
  warmUp(signal?: AbortSignal): Promise<boolean> {
    return readInWorker<boolean, { warmedUp: boolean }>(this.db, {
      from: import.meta.url,
      entry: './projection-worker',
      data: { options: {}, warmUp: true },
      what: 'projection warm-up',
      signal,
      aborted: () => new ProjectionAborted(),
      take: (r) => r.warmedUp,
    });
  }

  async project(
    options: ProjectionOptions,
    onProgress: (what: string, rows: number) => void = () => undefined,
    signal?: AbortSignal,
    extras: ProjectionExtras = {},
  ): Promise<Projection> {
    const projection = await readInWorker<Projection, { projection: Projection }, { what: string; rows: number }>(this.db, {
      from: import.meta.url,
      entry: './projection-worker',
      data: { options, extras },
      what: 'projection',
      signal,
      standby: this.takeStandby(),
      aborted: () => new ProjectionAborted(),
      take: (r) => r.projection,
      onOther: (m) => onProgress(m.what, m.rows),
    });
    // Its ids and topics come packed: restored here a slice per turn, the packed copy kept for the scoring worker.
    await restoreProjectionText(projection);
    return projection;
  }
}
