/**
 * The service's side of a worker thread that reads the database (database-worker.ts): fails at
 * once while the database is known to be away, as this thread's reads would; gives the worker the
 * connection settings; settles with the worker's result, or its error as an AppError.
 */
import { AppError } from '../domain/errors.js';
import { STANDING_BY } from '../domain/in-worker.js';
import { runWorker, type StandbyWorker } from '../domain/worker-thread.js';
import type { GraphDatabase } from './database.js';
import type { DatabaseWorkerAnswer } from './database-worker.js';

export interface DatabaseRead<T, R extends object, P> {
  /** The runner's `import.meta.url` and its worker module relative to it, without extension. */
  from: string;
  entry: string;
  /** The worker's data besides the connection settings. */
  data: object;
  what: string;
  signal?: AbortSignal;
  aborted?: () => Error;
  /** What the service keeps of the worker's result. */
  take: (result: R) => T;
  /** Any other message (progress). */
  onOther?: (message: P) => void;
  /** The worker's young generation in MB (WorkerRun.youngGenerationMb); V8's default when absent. */
  youngGenerationMb?: number;
  /** A worker of this entry started ahead and connected (WorkerRun.standby): it is given the data as its job. */
  standby?: StandbyWorker;
}

export function readInWorker<T, R extends object, P = never>(db: GraphDatabase, read: DatabaseRead<T, R, P>): Promise<T> {
  const away = db.unavailableError();
  if (away) {
    void read.standby?.terminate();
    return Promise.reject(away);
  }
  return runWorker<T, DatabaseWorkerAnswer<R> | P>({
    from: read.from,
    entry: read.entry,
    workerData: { settings: db.connectionSettings(), ...read.data },
    signal: read.signal,
    aborted: read.aborted ?? (() => new Error(`The ${read.what} was stopped`)),
    what: read.what,
    youngGenerationMb: read.youngGenerationMb,
    standby: read.standby,
    onMessage: (m, done) => {
      const answer = m as DatabaseWorkerAnswer<R>;
      if (answer.type === 'result') done.resolve(read.take(answer as R));
      else if (answer.type === 'error') done.reject(new AppError(answer.code, answer.status, answer.message, { retriable: answer.retriable }));
      else if ((answer as { type: string }).type !== STANDING_BY) read.onOther?.(m as P);
    },
  });
}
