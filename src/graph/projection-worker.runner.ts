/**
 * The projection read in a worker thread (projection-worker.ts): the same Projection as
 * Neo4jProjectionRepository, with its typed arrays transferred back (no copy), while the service's
 * event loop keeps answering. Its stance evidence comes back packed (`packedEvidence`, `evidence`
 * empty): the scoring unpacks it in its own thread; a caller that reads it here calls
 * unpackProjectionEvidence. Its ids and topics come packed too and are restored here a slice per
 * turn of the event loop, with the packed copy kept (`packedText`) for the scoring worker. Aborting terminates the worker at once; the database rolls back its
 * read transactions when the connection drops.
 */
import { AppError } from '../domain/errors.js';
import { restoreProjectionText, type Projection, type ProjectionExtras, type ProjectionOptions, type ProjectionSource } from '../domain/projection.js';
import { runWorker } from '../domain/worker-thread.js';
import type { GraphDatabase } from './database.js';
import type { ProjectionWorkerData } from './projection-worker.js';

type Message =
  | { type: 'progress'; what: string; rows: number }
  | { type: 'result'; projection: Projection }
  | { type: 'error'; code: string; status: number; message: string; retriable: boolean };

export class ProjectionAborted extends Error {
  constructor() {
    super('The projection was stopped');
    this.name = 'ProjectionAborted';
  }
}

export class WorkerProjectionSource implements ProjectionSource {
  constructor(private readonly db: GraphDatabase) {}

  project(
    options: ProjectionOptions,
    onProgress: (what: string, rows: number) => void = () => undefined,
    signal?: AbortSignal,
    extras: ProjectionExtras = {},
  ): Promise<Projection> {
    // Fail as the main thread's reads would while the database is known to be away (e.g. restarting).
    const away = this.db.unavailableError();
    if (away) return Promise.reject(away);
    const workerData: ProjectionWorkerData = { settings: this.db.connectionSettings(), options, extras };
    const running = runWorker<Projection, Message>({
      from: import.meta.url,
      entry: './projection-worker',
      workerData,
      signal,
      aborted: () => new ProjectionAborted(),
      what: 'projection',
      onMessage: (m, done) => {
        if (m.type === 'result') done.resolve(m.projection);
        else if (m.type === 'error') done.reject(new AppError(m.code, m.status, m.message, { retriable: m.retriable }));
        else onProgress(m.what, m.rows);
      },
    });
    // Its ids and topics come packed: restored here a slice per turn, the packed copy kept for the scoring worker.
    return running.then(async (projection) => {
      await restoreProjectionText(projection);
      return projection;
    });
  }
}
