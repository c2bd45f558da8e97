/** Test worker (worker-thread.test.ts): lowers its own priority, then answers with its thread's nice value. */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { runInBackground } from '../../../../src/domain/in-worker.js';

const lowered = runInBackground();
const stat = readFileSync('/proc/thread-self/stat', 'utf8');
// Field 19 of stat is the nice value; the fields after the command name start at field 3.
const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
parentPort!.postMessage({ type: 'result', value: { lowered, nice } });
