/**
 * Worker-thread entry of an analytics run's scoring: receives one ScoringTask (its typed arrays
 * transferred), posts each phase's start and end and the kernels' progress (at most every 200 ms),
 * then the scores together with the projection (both transferred back), or the error, and exits.
 * A cancelled run terminates the worker. See run-worker.runner.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runScoringTask, type ScoringEvent, type ScoringTask } from './run-worker-task.js';
import { packScoredText } from './scored-text.js';
import { buffersOf, runInBackground, throttle } from './in-worker.js';

// Background work: the service's own thread comes first (in-worker.ts).
runInBackground();
const port = parentPort!;
const task = workerData as ScoringTask;
const due = throttle();
const emit = (e: ScoringEvent) => {
  if (e.type !== 'progress' || due()) port.postMessage(e);
};
try {
  // The projection goes back without its arcs and evidence (released by the task).
  const result = await runScoringTask(task, emit);
  // The ids, tiers and topics travel packed (scored-text.ts).
  const text = packScoredText(task.projection, result);
  const message = { type: 'result', result, projection: task.projection, text };
  port.postMessage(message, buffersOf(message));
} catch (error) {
  port.postMessage({ type: 'error', name: (error as Error)?.name, message: (error as Error)?.message ?? String(error) });
}
