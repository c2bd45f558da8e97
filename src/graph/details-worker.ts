/**
 * Worker-thread entry that reads the scored customers' details (names, handles, segments, regions,
 * opt-outs) on a driver of its own (database-worker.ts), for details-worker.runner.ts. At 100k
 * customers decoding those rows (and building the id index) took the service's thread about half a
 * second in bursts of up to 190 ms while a run was being published. The text columns go back
 * packed (packStrings): one string and its offsets each, which cross threads as a copy of a few MB
 * instead of 400,000 strings.
 */
import { workerData } from 'node:worker_threads';
import { packStrings } from '../domain/packed-strings.js';
import type { DatabaseSettings } from './database.js';
import { answerFromDatabase } from './database-worker.js';
import { Neo4jSnapshotRepository } from './snapshot.repository.js';

export interface DetailsWorkerData {
  settings: DatabaseSettings;
  ids: readonly string[];
}

const { settings, ids } = workerData as DetailsWorkerData;
await answerFromDatabase(settings, async (db) => {
  const { name, handle, segment, region, optedOut, missing } = await new Neo4jSnapshotRepository(db).details(ids);
  return { details: { name: packStrings(name), handle: packStrings(handle), segment: packStrings(segment), region: packStrings(region), optedOut, missing } };
});
