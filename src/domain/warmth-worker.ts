/**
 * Worker-thread entry that prepares a read model loaded from the database (after a restart, or a
 * run completed by another process): every score's percentiles and the default influence ranking
 * (snapshotWarmth), sorts that take about a second at 100k customers and ten at 1M — off the
 * service's event loop. The warmth's arrays are moved back.
 * See warmth-worker.runner.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_INFLUENCE_WEIGHTS, snapshotWarmth } from './influence.js';
import { buffersOf, runInBackground } from './in-worker.js';
import type { WarmthTask } from './warmth-worker.runner.js';

// Background work: the service's own thread comes first (in-worker.ts).
runInBackground();
const port = parentPort!;
const { fields, ids } = workerData as WarmthTask;
try {
  const warmth = snapshotWarmth(fields, ids, DEFAULT_INFLUENCE_WEIGHTS);
  const message = { type: 'result', warmth };
  port.postMessage(message, buffersOf(message));
} catch (error) {
  port.postMessage({ type: 'error', message: (error as Error)?.message ?? String(error) });
}
