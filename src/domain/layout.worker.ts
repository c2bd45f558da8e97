/**
 * Worker-thread entry of the community map layout: receives the attention graph's CSR arrays,
 * runs ForceAtlas2 to the end (src/analytics/layout.ts) and posts the positions back, so the
 * service's event loop stays free during a layout that takes a minute at 100k customers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { forceAtlas2Layout } from '../analytics/layout.js';
import { runInBackground } from './in-worker.js';
import type { LayoutTask } from './layout-worker.runner.js';

// Background work: the service's own thread comes first (in-worker.ts).
runInBackground();
const task = workerData as LayoutTask;
try {
  const { x, y, iterations } = forceAtlas2Layout(task.graph, { iterations: task.iterations, seed: task.seed });
  parentPort!.postMessage({ type: 'result', x, y, iterations }, [x.buffer as ArrayBuffer, y.buffer as ArrayBuffer]);
} catch (error) {
  parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
