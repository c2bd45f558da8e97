/**
 * Runs a ForceAtlas2 layout in a worker thread (src/domain/layout.worker.ts) and resolves with the
 * positions; the graph's arrays are copied to the worker. Aborting terminates the worker at once.
 * The worker is started by src/domain/worker-thread.ts.
 */
import { runWorker } from './worker-thread.js';
import type { LayoutGraph, LayoutPositions } from '../analytics/layout.js';

export interface LayoutTask {
  graph: LayoutGraph;
  iterations?: number;
  seed: number;
}

export function runLayoutInWorker(task: LayoutTask, signal?: AbortSignal): Promise<LayoutPositions> {
  const { n, outOffsets, outTargets, outWeights } = task.graph;
  type Message = { type: 'result'; x: Float64Array; y: Float64Array; iterations: number } | { type: 'error'; message: string };
  return runWorker<LayoutPositions, Message>({
    from: import.meta.url,
    entry: './layout.worker',
    workerData: { ...task, graph: { n, outOffsets, outTargets, outWeights } },
    signal,
    aborted: () => new Error('The layout was stopped'),
    what: 'layout',
    onMessage: (m, done) => {
      if (m.type === 'result') done.resolve({ x: m.x, y: m.y, iterations: m.iterations });
      else done.reject(new Error(m.message));
    },
  });
}
