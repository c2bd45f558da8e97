/**
 * Graceful stop. `app.drain()` (also run by `app.close()`, in its preClose hook) stops accepting
 * work — every write request is answered 503 `SERVICE_STOPPING` (retriable) and readiness turns
 * false — then parks the analytics run and the import jobs of this process: each stops at its
 * next batch or phase boundary and ends `interrupted`, resumable, with the previous results in
 * place. Reads keep being answered until the server closes. The caller bounds the whole stop with
 * a grace period (src/main.ts), so a hung piece never keeps the process alive.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';

export interface LifecycleOptions {
  runs: { park(): Promise<unknown> };
  imports: { park(): Promise<number> };
  readiness: { markStopping(): void };
  /** Stopped when the app closes (background polling). */
  background?: { stop(): void }[];
  /**
   * How long the stop waits for running jobs to park (a run inside a long phase stops only at its
   * end); past it the stop goes on, and the jobs left running are recovered by the next start.
   */
  parkTimeoutMs?: number;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const lifecyclePlugin = fp(
  async (app: FastifyInstance, opts: LifecycleOptions) => {
    let draining: Promise<void> | undefined;

    const drain = (): Promise<void> => {
      draining ??= (async () => {
        opts.readiness.markStopping();
        app.log.info('stopping: no new work is accepted; parking running jobs');
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), opts.parkTimeoutMs ?? 5_000);
        });
        const parked = Promise.all([
          opts.runs.park().catch((error: unknown) => app.log.error({ err: error }, 'could not park the analytics run')),
          opts.imports.park().catch((error: unknown) => app.log.error({ err: error }, 'could not park the import jobs')),
        ]);
        const outcome = await Promise.race([parked, timeout]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          app.log.warn({ parkTimeoutMs: opts.parkTimeoutMs ?? 5_000 }, 'running jobs did not park in time; the next start recovers them');
          return;
        }
        const [run, imports] = outcome;
        const parkedRun = (run as { id?: string } | undefined)?.id;
        app.log.info({ ...(parkedRun ? { runId: parkedRun } : {}), importsParked: imports ?? 0 }, 'running jobs parked');
      })();
      return draining;
    };

    app.decorate('drain', drain);
    app.decorate('isDraining', () => draining !== undefined);

    app.addHook('onRequest', async (request) => {
      if (draining && !READ_METHODS.has(request.method)) {
        throw new AppError('SERVICE_STOPPING', 503, 'The service is stopping; send this request again shortly', { retriable: true });
      }
    });
    app.addHook('preClose', async () => {
      await drain();
    });
    app.addHook('onClose', async () => {
      for (const piece of opts.background ?? []) piece.stop();
    });
  },
  { name: 'lifecycle', dependencies: ['errors'] },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** Stops accepting work and parks running jobs; resolves once they have stopped. */
    drain(): Promise<void>;
    isDraining(): boolean;
  }
}
