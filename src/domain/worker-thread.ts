/**
 * The one way the service runs a long computation in a worker thread (analytics scoring, seed
 * selection, the map layout), so the event loop keeps answering requests meanwhile.
 *
 * The worker module sits next to its runner; worker-entry.ts says which file a worker loads
 * (the compiled `.js`, or run from sources a bundle of the `.ts` entry).
 * The returned promise settles once: with the result or error the worker sends, when the worker
 * stops without answering, or on abort — which terminates the worker at once, whatever it is
 * computing. A result is handed over once the worker has exited, so that its heap (garbage
 * included: a projection's driver records are hundreds of MB at 1M customers) is freed before
 * the caller's next step allocates its own; a worker still running 5 s after its answer is
 * terminated. `buffersOf` lists the buffers a message can move instead of copy.
 */
import { Worker, type TransferListItem } from 'node:worker_threads';
import { workerEntry } from './worker-entry.js';

export interface WorkerRun<T, M> {
  /** The runner's `import.meta.url`: the worker entry is resolved next to it. */
  from: string;
  /** The worker module's path relative to the runner, without extension (e.g. './run-worker'). */
  entry: string;
  workerData: unknown;
  /** Buffers moved to the worker instead of copied. */
  transferList?: TransferListItem[];
  signal?: AbortSignal;
  /** The error the promise rejects with on abort. */
  aborted: () => Error;
  /** What the worker computes, for the error when it stops without answering ("scoring", "layout"). */
  what: string;
  /** Handles each message until the promise has settled; a result or an error settles it through `done`. */
  onMessage: (message: M, done: { resolve: (value: T) => void; reject: (error: Error) => void }) => void;
}

export function runWorker<T, M>(run: WorkerRun<T, M>): Promise<T> {
  if (run.signal?.aborted) return Promise.reject(run.aborted());
  return new Promise<T>((resolve, reject) => {
    const { code, evaluate } = workerEntry(run.from, run.entry);
    const worker = new Worker(code, { eval: evaluate, workerData: run.workerData, transferList: run.transferList });
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      run.signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => {
      finish(() => reject(run.aborted()));
      void worker.terminate();
    };
    run.signal?.addEventListener('abort', onAbort, { once: true });
    let answer: { value: T } | undefined;
    const done = {
      resolve: (value: T) => {
        if (answer) return;
        answer = { value };
        setTimeout(() => void worker.terminate(), 5_000).unref();
      },
      reject: (error: Error) => finish(() => reject(error)),
    };
    worker.on('message', (message: M) => {
      if (!settled && !answer) run.onMessage(message, done);
    });
    worker.on('error', (error) => {
      if (!answer) done.reject(error);
    });
    worker.on('exit', (code) => {
      if (answer) finish(() => resolve(answer!.value));
      else done.reject(new Error(`The ${run.what} worker stopped (exit code ${code})`));
    });
  });
}

/**
 * For a worker's progress messages: true at most once per `ms` (the first call included), so a
 * kernel that reports at every checkpoint does not flood the service's thread with messages.
 */
export function throttle(ms = 200): () => boolean {
  let last = -Infinity;
  return () => {
    const now = Date.now();
    if (now - last < ms) return false;
    last = now;
    return true;
  };
}

/** Every distinct ArrayBuffer under a value (typed arrays in objects, arrays and maps), for a transfer list. */
export function buffersOf(value: unknown, seen = new Set<ArrayBuffer>(), visited = new Set<object>()): ArrayBuffer[] {
  if (value === null || typeof value !== 'object' || visited.has(value)) return [...seen];
  visited.add(value);
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) seen.add(value.buffer);
  } else if (value instanceof Map) {
    for (const v of value.values()) buffersOf(v, seen, visited);
  } else if (Array.isArray(value)) {
    // Arrays of strings or numbers hold no buffers, nor do arrays of such arrays (a projection's
    // topics): look at the first element only to skip them fast.
    if (value.length > 0 && typeof value[0] === 'object' && !Array.isArray(value[0])) for (const v of value) buffersOf(v, seen, visited);
  } else {
    for (const v of Object.values(value)) buffersOf(v, seen, visited);
  }
  return [...seen];
}
