/**
 * Worker-thread entry of a run's closeness and harmonic searches (see distance-worker.runner.ts):
 * runs the in-process engine's kernel on the outgoing arcs it was sent, posts its progress (at most
 * every 200 ms) and then both score arrays (transferred), or the error, and exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { inProcess } from './engines/in-process.js';
import type { DistanceTask } from './distance-worker.runner.js';
import { buffersOf, runInBackground, throttle } from './in-worker.js';

// Background work: the service's own thread comes first (in-worker.ts).
runInBackground();
const port = parentPort!;
const task = workerData as DistanceTask;
const due = throttle();
try {
  const scores = inProcess.closenessAndHarmonic(task.graph, task.params, {
    onProgress: (fraction) => {
      if (due()) port.postMessage({ type: 'progress', fraction });
    },
  });
  const message = { type: 'result', scores };
  port.postMessage(message, buffersOf(message));
} catch (error) {
  port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
