/**
 * Runs a SeedTask off the event loop, in a worker thread, so the API keeps answering while seeds
 * are selected (the kernel is synchronous). The task's typed arrays are transferred to the worker
 * (the caller must not use them afterwards). Aborting terminates the worker at once.
 * The worker is started by src/domain/worker-thread.ts.
 */
import { AppError } from '../errors.js';
import { runWorker } from '../worker-thread.js';
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

export function runInWorker(task: SeedTask, onProgress: (p: SeedTaskProgress) => void = () => undefined, signal?: AbortSignal): Promise<SeedTaskResult> {
  type Message = { type: string; progress?: SeedTaskProgress; result?: SeedTaskResult; name?: string; message?: string };
  return runWorker<SeedTaskResult, Message>({
    from: import.meta.url,
    entry: './seed-worker',
    workerData: task,
    transferList: transferables(task),
    signal,
    aborted: () => new SeedTaskAborted(),
    what: 'campaign',
    onMessage: (m, done) => {
      if (m.type === 'progress') onProgress(m.progress!);
      else if (m.type === 'result') done.resolve(m.result!);
      else if (m.type === 'error') {
        const known = m.name === 'InvalidArgumentError' || m.name === 'InvalidGraphError';
        done.reject(known ? new AppError('VALIDATION_FAILED', 400, m.message ?? 'invalid plan', { problems: [{ path: ['body'], message: m.message ?? '' }] }) : new Error(m.message));
      }
    },
  });
}
