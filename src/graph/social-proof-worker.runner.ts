/**
 * Social proof's memory of a run loaded in a worker thread (social-proof-worker.ts): the same
 * memory as SocialProofMemory.load on this thread, rebuilt here from typed arrays and packed
 * strings a slice per turn of the event loop.
 */
import { SocialProofMemory, type SocialProofTransfer } from '../domain/social-proof.service.js';
import type { GraphDatabase } from './database.js';
import { readInWorker } from './database-worker.runner.js';

export async function loadSocialProofInWorker(db: GraphDatabase, runId: string): Promise<SocialProofMemory> {
  const transfer = await readInWorker<SocialProofTransfer, { memory: SocialProofTransfer }>(db, {
    from: import.meta.url,
    entry: './social-proof-worker',
    data: { runId },
    what: 'social proof',
    take: (r) => r.memory,
  });
  return SocialProofMemory.fromTransfer(transfer);
}
