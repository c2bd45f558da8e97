/**
 * Computes a loaded read model's warmth (percentiles, default influence ranking) in a worker
 * thread (warmth-worker.ts). The score arrays are copied to the worker (a memory copy, where the
 * sorts take seconds), so the caller's arrays stay usable whatever happens to the worker.
 */
import type { SnapshotWarmth } from './influence.js';
import { runWorker } from './worker-thread.js';

export interface WarmthTask {
  fields: Record<string, Float64Array>;
  ids: string[];
}

type Message = { type: 'result'; warmth: SnapshotWarmth } | { type: 'error'; message: string };

export function warmthInWorker(task: WarmthTask): Promise<SnapshotWarmth> {
  return runWorker<SnapshotWarmth, Message>({
    from: import.meta.url,
    entry: './warmth-worker',
    workerData: task,
    aborted: () => new Error('The read model preparation was stopped'),
    what: 'read model preparation',
    onMessage: (m, done) => {
      if (m.type === 'result') done.resolve(m.warmth);
      else done.reject(new Error(m.message));
    },
  });
}
