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
 * terminated. A worker may also be started ahead of its job and stand by (StandbyWorker: the
 * projection's, so that a run does not wait for a thread to start and connect). What a worker's
 * own code uses (progress throttling, transfer lists, its thread's priority) is in in-worker.ts,
 * which loads nothing a worker does not need.
 */
import { Worker, type TransferListItem } from 'node:worker_threads';
import { STANDING_BY } from './in-worker.js';
import { workerEntry } from './worker-entry.js';

/**
 * The scoring threads' young generation, in MB: a third of V8's default. At 100k customers the
 * service's peak at the end of the scoring was 509–549 MB with the default and 478–505 MB with this
 * (bench/results/publication-2026-12-01.md, runs final7 and final8); 6 MB was lower still, but the
 * allocating phases of a 1M run (Louvain, reach, influence) were 10–20% slower with it.
 */
export const SCORING_YOUNG_GENERATION_MB = 16;

export interface WorkerRun<T, M> {
  /** The runner's `import.meta.url`: the worker entry is resolved next to it. */
  from: string;
  /** The worker module's path relative to the runner, without extension (e.g. './run-worker'). */
  entry: string;
  workerData: unknown;
  /** Buffers moved to the worker instead of copied. */
  transferList?: TransferListItem[];
  /**
   * The young generation of the worker's JavaScript heap in MB; V8's default (48 MB on the machines
   * measured) when absent. A smaller one suits a worker that decodes many short-lived records: it
   * otherwise grows its young generation to the default while it runs (see the details read).
   */
  youngGenerationMb?: number;
  signal?: AbortSignal;
  /**
   * A worker started ahead (StandbyWorker) to run this instead of a new one: `workerData` (and
   * `transferList`) is then posted to it as its job, since its own data was given when it started;
   * its young generation is the one it started with.
   */
  standby?: StandbyWorker;
  /** The error the promise rejects with on abort. */
  aborted: () => Error;
  /** What the worker computes, for the error when it stops without answering ("scoring", "layout"). */
  what: string;
  /** Handles each message until the promise has settled; a result or an error settles it through `done`. */
  onMessage: (message: M, done: { resolve: (value: T) => void; reject: (error: Error) => void }) => void;
}

function startWorker(from: string, entry: string, workerData: unknown, transferList?: TransferListItem[], youngGenerationMb?: number): Worker {
  const { code, evaluate } = workerEntry(from, entry);
  const resourceLimits = youngGenerationMb === undefined ? undefined : { maxYoungGenerationSizeMb: youngGenerationMb };
  return new Worker(code, { eval: evaluate, workerData, transferList, resourceLimits });
}

/**
 * A worker started before it has a job: it loads its code and opens what it needs (a database
 * connection), posts `{type: STANDING_BY}`, then waits for the one message that gives it its job
 * (runWorker's `standby`), which it listens for from its start. It does not keep the process
 * alive. It is `alive` until it exits, and `ready` once it has said so and while alive; its other
 * messages before its job are not listened to (a failure to connect shows as its exit).
 */
export class StandbyWorker {
  private readonly worker: Worker;
  private standing = false;
  private exited = false;
  private readonly onMessage = (m: { type?: string }) => {
    if (m?.type === STANDING_BY) this.standing = true;
  };

  constructor(from: string, entry: string, workerData: unknown, youngGenerationMb?: number) {
    this.worker = startWorker(from, entry, workerData, undefined, youngGenerationMb);
    this.worker.unref();
    this.worker.on('message', this.onMessage);
    this.worker.once('exit', () => (this.exited = true));
    this.worker.on('error', () => undefined);
  }

  get alive(): boolean {
    return !this.exited;
  }

  get ready(): boolean {
    return this.standing && !this.exited;
  }

  /** The worker, given its job (with the buffers to move), for runWorker (once). */
  take(job: unknown, transferList?: readonly TransferListItem[]): Worker {
    this.worker.off('message', this.onMessage);
    this.worker.ref();
    this.worker.postMessage(job, transferList);
    return this.worker;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export function runWorker<T, M>(run: WorkerRun<T, M>): Promise<T> {
  if (run.signal?.aborted) {
    void run.standby?.terminate();
    return Promise.reject(run.aborted());
  }
  return new Promise<T>((resolve, reject) => {
    const worker = run.standby
      ? run.standby.take(run.workerData, run.transferList)
      : startWorker(run.from, run.entry, run.workerData, run.transferList, run.youngGenerationMb);
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
