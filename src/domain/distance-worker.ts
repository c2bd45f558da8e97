/**
 * Worker-thread entry of a run's sampled searches (see distance-worker.runner.ts): closeness and
 * harmonic with the in-process engine's kernel on the outgoing arcs it was sent, posted as soon as
 * they are done (buffers transferred), then betweenness; its progress at most every 200 ms; then
 * the betweenness result, or the error, and it exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { inProcess } from './engines/in-process.js';
import type { DistanceTask, SearchMessage, SearchName } from './distance-worker.runner.js';
import { buffersOf, runInBackground, throttle } from './in-worker.js';

// Background work: the service's own thread comes first (in-worker.ts).
runInBackground();
const port = parentPort!;
const task = workerData as DistanceTask;
const post = (message: SearchMessage) => port.postMessage(message, buffersOf(message));
const control = (search: SearchName) => {
  const due = throttle();
  return {
    onProgress: (fraction: number) => {
      if (due()) post({ type: 'progress', search, fraction });
    },
  };
};
try {
  // Hop counts only: the structure sent is all the searches read.
  const graph = { ...task.graph, outWeights: null };
  if (task.wanted.distances) post({ type: 'distances', scores: inProcess.closenessAndHarmonic(graph, task.params, control('distances')) });
  post({ type: 'result', betweenness: task.wanted.betweenness ? inProcess.betweenness(graph, task.params, control('betweenness')) : undefined });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
