/**
 * Runs the scoring phases of an analytics run off the event loop, in a worker thread, so the API
 * (health checks included) keeps answering during a long phase. The projection's typed arrays are
 * transferred to the worker and transferred back with the scores (no copy either way; the caller
 * must use the projection returned, not the one passed in). Aborting terminates the worker at
 * once, whatever kernel it is in.
 *
 * Run from sources (tsx, vitest) the worker registers tsx's loader and then imports its .ts
 * entry; built code loads the compiled .js next to this file.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Projection } from './projection.js';
import { buffersOf, type ScoringEvent, type ScoringTask } from './run-worker-task.js';
import type { ScoreSet } from './scoring.js';

export class ScoringAborted extends Error {
  constructor() {
    super('The scoring was stopped');
    this.name = 'ScoringAborted';
  }
}

const fromSource = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(fromSource ? './run-worker.ts' : './run-worker.js', import.meta.url);

function workerEntry(): { entry: URL | string; eval: boolean } {
  if (!fromSource) return { entry: WORKER_URL, eval: false };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return { entry: code, eval: true };
}

export function runScoringInWorker(
  task: ScoringTask,
  onEvent: (e: ScoringEvent) => void = () => undefined,
  signal?: AbortSignal,
): Promise<{ result: ScoreSet; projection: Projection }> {
  if (signal?.aborted) return Promise.reject(new ScoringAborted());
  return new Promise((resolve, reject) => {
    const { entry, eval: evaluate } = workerEntry();
    const worker = new Worker(entry, { eval: evaluate, workerData: task, transferList: buffersOf(task) });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      finish(() => reject(new ScoringAborted()));
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    type Message = ScoringEvent | { type: 'result'; result: ScoreSet; projection: Projection } | { type: 'error'; name?: string; message?: string };
    worker.on('message', (m: Message) => {
      if (m.type === 'result') finish(() => resolve({ result: m.result, projection: m.projection }));
      else if (m.type === 'error') {
        const error = new Error(m.message);
        if (m.name) error.name = m.name;
        finish(() => reject(error));
      } else if (!settled) onEvent(m);
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`The scoring worker stopped (exit code ${code})`))));
  });
}
