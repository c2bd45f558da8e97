/**
 * What every worker thread that reads the database has in common (projection-worker.ts,
 * details-worker.ts, social-proof-worker.ts): it runs at background priority (unless it asks for
 * the service's), opens its own driver
 * on the service's database (a driver cannot cross threads), does its one read, closes the driver
 * and only then posts its answer (the service takes the answer once the thread has exited,
 * worker-thread.ts): `{type: 'result', ...}` with its buffers moved, or the error as the AppError
 * fields. The service's side is database-worker.runner.ts.
 */
import { parentPort } from 'node:worker_threads';
import { buffersOf, runInBackground } from '../domain/in-worker.js';
import { GraphDatabase, mapDatabaseError, type DatabaseSettings } from './database.js';

/** What the service's side receives from such a worker (besides progress of its own). */
export type DatabaseWorkerAnswer<R extends object> =
  | ({ type: 'result' } & R)
  | { type: 'error'; code: string; status: number; message: string; retriable: boolean };

/**
 * `priority: 'normal'` leaves the thread at the service's priority (the projection: a short read
 * that everything after it waits for, and whose database side runs at that priority anyway).
 */
export async function answerFromDatabase<R extends object>(
  settings: DatabaseSettings,
  read: (db: GraphDatabase) => Promise<R>,
  { priority = 'background' }: { priority?: 'background' | 'normal' } = {},
): Promise<void> {
  if (priority === 'background') runInBackground();
  const db = new GraphDatabase(settings);
  let message: DatabaseWorkerAnswer<R>;
  try {
    message = { type: 'result', ...(await read(db)) };
  } catch (error) {
    const e = mapDatabaseError(error);
    message = { type: 'error', code: e.code, status: e.status, message: e.message, retriable: e.retriable };
  }
  await db.close().catch(() => undefined);
  parentPort!.postMessage(message, buffersOf(message));
}
