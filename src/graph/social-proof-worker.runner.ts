/**
 * Social proof's memory of a run loaded in a worker thread (social-proof-worker.ts): the same
 * memory as SocialProofMemory.load on this thread, rebuilt here from typed arrays and packed
 * strings a slice per turn of the event loop.
 */
import { AppError } from '../domain/errors.js';
import { SocialProofMemory, type SocialProofTransfer } from '../domain/social-proof.service.js';
import { runWorker } from '../domain/worker-thread.js';
import type { GraphDatabase } from './database.js';
import type { SocialProofWorkerData } from './social-proof-worker.js';

type Message =
  | { type: 'result'; memory: SocialProofTransfer }
  | { type: 'error'; code: string; status: number; message: string; retriable: boolean };

export async function loadSocialProofInWorker(db: GraphDatabase, runId: string): Promise<SocialProofMemory> {
  // Fail as the main thread's reads would while the database is known to be away (e.g. restarting).
  const away = db.unavailableError();
  if (away) throw away;
  const workerData: SocialProofWorkerData = { settings: db.connectionSettings(), runId };
  const transfer = await runWorker<SocialProofTransfer, Message>({
    from: import.meta.url,
    entry: './social-proof-worker',
    workerData,
    aborted: () => new Error('aborted'),
    what: 'social proof',
    onMessage: (m, done) => {
      if (m.type === 'result') done.resolve(m.memory);
      else done.reject(new AppError(m.code, m.status, m.message, { retriable: m.retriable }));
    },
  });
  return SocialProofMemory.fromTransfer(transfer);
}
