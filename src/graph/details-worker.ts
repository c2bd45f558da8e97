/**
 * Worker-thread entry that reads the scored customers' details (names, handles, segments, regions,
 * opt-outs) with its own driver, for details-worker.runner.ts. At 100k customers decoding those
 * rows (and building the id index) took the service's thread about half a second in bursts of up
 * to 190 ms while a run was being published. The text columns go back packed (packStrings): one
 * string and its offsets each, which cross threads as a copy of a few MB instead of 400,000 strings.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buffersOf, runInBackground } from '../domain/in-worker.js';
import { packStrings } from '../domain/packed-strings.js';
import { GraphDatabase, mapDatabaseError, type DatabaseSettings } from './database.js';
import { Neo4jSnapshotRepository } from './snapshot.repository.js';

export interface DetailsWorkerData {
  settings: DatabaseSettings;
  ids: readonly string[];
}

// Background work: the service's own thread comes first (in-worker.ts).
runInBackground();
const port = parentPort!;
const { settings, ids } = workerData as DetailsWorkerData;
const db = new GraphDatabase(settings);
// The driver is closed before the answer goes out: the service takes the answer once this thread
// has exited (worker-thread.ts).
let message: object;
try {
  const { name, handle, segment, region, optedOut, missing } = await new Neo4jSnapshotRepository(db).details(ids);
  message = {
    type: 'result',
    details: { name: packStrings(name), handle: packStrings(handle), segment: packStrings(segment), region: packStrings(region), optedOut, missing },
  };
} catch (error) {
  const e = mapDatabaseError(error);
  message = { type: 'error', code: e.code, status: e.status, message: e.message, retriable: e.retriable };
}
await db.close().catch(() => undefined);
port.postMessage(message, buffersOf(message));
