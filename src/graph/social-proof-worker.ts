/**
 * Worker-thread entry that loads social proof's memory of a run (ties, engagements and brand
 * offers, streamed from Neo4j with its own driver) for social-proof-worker.runner.ts, so that the
 * service's thread does not decode the graph's rows: at 100k customers that took most of its time
 * for about 12 s after each run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buffersOf, runInBackground } from '../domain/in-worker.js';
import { SocialProofMemory } from '../domain/social-proof.service.js';
import { GraphDatabase, mapDatabaseError, type DatabaseSettings } from './database.js';
import { Neo4jSocialProofRepository } from './social-proof.repository.js';

export interface SocialProofWorkerData {
  settings: DatabaseSettings;
  runId: string;
}

// Background work: the service's own thread comes first (in-worker.ts).
runInBackground();
const port = parentPort!;
const { settings, runId } = workerData as SocialProofWorkerData;
const db = new GraphDatabase(settings);
// The driver is closed before the answer goes out: the service takes the answer once this thread
// has exited (worker-thread.ts).
let message: object;
try {
  const memory = await SocialProofMemory.load(runId, new Neo4jSocialProofRepository(db));
  message = { type: 'result', memory: memory.toTransfer() };
} catch (error) {
  const e = mapDatabaseError(error);
  message = { type: 'error', code: e.code, status: e.status, message: e.message, retriable: e.retriable };
}
await db.close().catch(() => undefined);
port.postMessage(message, buffersOf(message));
