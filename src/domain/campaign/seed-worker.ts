/**
 * Worker-thread entry of the campaign computations: receives one SeedTask, posts progress
 * (at most every 200 ms) and then the result or the error, and exits. See seed-runner.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runSeedTask, type SeedTask } from './seed-task.js';

const port = parentPort!;
let last = 0;
try {
  const result = runSeedTask(workerData as SeedTask, (p) => {
    const now = Date.now();
    if (now - last < 200 && p.phase !== 'simulation') return;
    last = now;
    port.postMessage({ type: 'progress', progress: p });
  });
  port.postMessage({ type: 'result', result });
} catch (error) {
  port.postMessage({ type: 'error', name: (error as Error)?.name, message: (error as Error)?.message ?? String(error) });
}
