/**
 * Runs a SeedTask off the event loop, in a worker thread, so the API keeps answering while seeds
 * are selected (the kernel is synchronous). The task's typed arrays are transferred to the worker
 * (the caller must not use them afterwards). Aborting terminates the worker at once.
 *
 * Run from sources (tsx, vitest) the worker registers tsx's loader and then imports its .ts
 * entry; built code loads the compiled .js next to this file.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import type { SeedTask, SeedTaskProgress, SeedTaskResult } from './seed-task.js';

export class SeedTaskAborted extends Error {
  constructor() {
    super('The campaign computation was stopped');
    this.name = 'SeedTaskAborted';
  }
}

/** The arrays of a task, for a transfer list. */
function transferables(task: SeedTask): ArrayBuffer[] {
  const list: ArrayBufferLike[] = [task.arcs.src.buffer, task.arcs.dst.buffer, task.arcs.volume.buffer, task.arcs.isTie.buffer];
  if (task.groups) list.push(task.groups.buffer);
  if (task.kind === 'plan') {
    list.push(task.select.candidates.buffer);
    if (task.select.cost) list.push(task.select.cost.buffer);
    if (task.select.penalty) list.push(task.select.penalty.weight.buffer);
  }
  return [...new Set(list)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

const fromSource = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(fromSource ? './seed-worker.ts' : './seed-worker.js', import.meta.url);

/** The worker's entry: the compiled file, or (from sources) a bootstrap that registers tsx's loader first. */
function workerEntry(): { entry: URL | string; eval: boolean } {
  if (!fromSource) return { entry: WORKER_URL, eval: false };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return { entry: code, eval: true };
}

export function runInWorker(task: SeedTask, onProgress: (p: SeedTaskProgress) => void = () => undefined, signal?: AbortSignal): Promise<SeedTaskResult> {
  if (signal?.aborted) return Promise.reject(new SeedTaskAborted());
  return new Promise((resolve, reject) => {
    const { entry, eval: evaluate } = workerEntry();
    const worker = new Worker(entry, { eval: evaluate, workerData: task, transferList: transferables(task) });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      finish(() => reject(new SeedTaskAborted()));
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: { type: string; progress?: SeedTaskProgress; result?: SeedTaskResult; name?: string; message?: string }) => {
      if (m.type === 'progress' && !settled) onProgress(m.progress!);
      else if (m.type === 'result') finish(() => resolve(m.result!));
      else if (m.type === 'error') {
        const known = m.name === 'InvalidArgumentError' || m.name === 'InvalidGraphError';
        finish(() => reject(known ? new AppError('VALIDATION_FAILED', 400, m.message ?? 'invalid plan', { problems: [{ path: ['body'], message: m.message ?? '' }] }) : new Error(m.message)));
      }
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`The campaign worker stopped (exit code ${code})`))));
  });
}
