/**
 * Runs a ForceAtlas2 layout in a worker thread (src/domain/layout.worker.ts) and resolves with the
 * positions; the graph's arrays are copied to the worker. Aborting terminates the worker at once.
 * From sources (tsx, vitest) the worker registers tsx's loader before importing its .ts entry.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LayoutGraph, LayoutPositions } from '../analytics/layout.js';

export interface LayoutTask {
  graph: LayoutGraph;
  iterations?: number;
  seed: number;
}

const fromSource = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(fromSource ? './layout.worker.ts' : './layout.worker.js', import.meta.url);

function workerEntry(): { entry: URL | string; eval: boolean } {
  if (!fromSource) return { entry: WORKER_URL, eval: false };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return { entry: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`, eval: true };
}

export function runLayoutInWorker(task: LayoutTask, signal?: AbortSignal): Promise<LayoutPositions> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('The layout was stopped'));
    const { entry, eval: evaluate } = workerEntry();
    const { n, outOffsets, outTargets, outWeights } = task.graph;
    const worker = new Worker(entry, { eval: evaluate, workerData: { ...task, graph: { n, outOffsets, outTargets, outWeights } } });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      finish(() => reject(new Error('The layout was stopped')));
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    type Message = { type: 'result'; x: Float64Array; y: Float64Array; iterations: number } | { type: 'error'; message: string };
    worker.on('message', (m: Message) => {
      if (m.type === 'result') finish(() => resolve({ x: m.x, y: m.y, iterations: m.iterations }));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`The layout worker stopped (exit code ${code})`))));
  });
}
