/** Test worker (worker-thread.test.ts): answers with its workerData, then lingers or exits as asked. */
import { parentPort, workerData } from 'node:worker_threads';

const { linger, value } = workerData as { linger: boolean; value: number };
parentPort!.postMessage({ type: 'result', value });
// A timer that never ends keeps the thread alive after its answer.
if (linger) setInterval(() => undefined, 1_000);
