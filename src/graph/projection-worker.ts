/**
 * Worker-thread entry of the projection: opens its own driver on the service's database (a driver
 * cannot cross threads), streams the customer graph into typed arrays with the same reading as
 * Neo4jProjectionRepository, posts progress (at most every 200 ms), then the projection with its
 * buffers transferred (the stance evidence packed into typed arrays too, see evidence-pack.ts), or
 * the error as the AppError fields, and exits. Decoding the records of a
 * large base is seconds of CPU; here it does not hold up the service's requests.
 * See projection-worker.runner.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { packProjectionEvidence, packProjectionText, type ProjectionExtras, type ProjectionOptions } from '../domain/projection.js';
import { buffersOf, runInBackground, throttle } from '../domain/in-worker.js';
import { GraphDatabase, mapDatabaseError, type DatabaseSettings } from './database.js';
import { Neo4jProjectionRepository } from './projection.repository.js';

export interface ProjectionWorkerData {
  settings: DatabaseSettings;
  options: ProjectionOptions;
  extras?: ProjectionExtras;
}

// Background work: the service's own thread comes first (in-worker.ts).
runInBackground();
const port = parentPort!;
const { settings, options, extras } = workerData as ProjectionWorkerData;
const db = new GraphDatabase(settings);
const due = throttle();
// The driver is closed before the answer goes out: the service takes the answer once this thread
// has exited (worker-thread.ts), so nothing may be left to do after it.
let message: object;
try {
  // Relationship rows are counted one by one: those counts are sent at most every 200 ms.
  const projection = await new Neo4jProjectionRepository(db).project(
    options,
    (what, rows) => {
      if (what !== 'relationships' || due()) port.postMessage({ type: 'progress', what, rows });
    },
    undefined,
    extras,
  );
  // The evidence travels as typed arrays, moved like the rest (the service never unpacks it).
  packProjectionEvidence(projection);
  // So do the ids and topics (restored on the service's thread in slices, and sent on packed).
  packProjectionText(projection);
  message = { type: 'result', projection };
} catch (error) {
  const e = mapDatabaseError(error);
  message = { type: 'error', code: e.code, status: e.status, message: e.message, retriable: e.retriable };
}
await db.close().catch(() => undefined);
port.postMessage(message, buffersOf(message));
