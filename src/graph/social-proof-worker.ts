/**
 * Worker-thread entry that loads social proof's memory of a run (ties, engagements and brand
 * offers, streamed from Neo4j on a driver of its own, database-worker.ts) for
 * social-proof-worker.runner.ts, so that the service's thread does not decode the graph's rows: at
 * 100k customers that took most of its time for about 12 s after each run.
 */
import { workerData } from 'node:worker_threads';
import { SocialProofMemory } from '../domain/social-proof.service.js';
import type { DatabaseSettings } from './database.js';
import { answerFromDatabase } from './database-worker.js';
import { Neo4jSocialProofRepository } from './social-proof.repository.js';

export interface SocialProofWorkerData {
  settings: DatabaseSettings;
  runId: string;
}

const { settings, runId } = workerData as SocialProofWorkerData;
await answerFromDatabase(settings, async (db) => ({ memory: (await SocialProofMemory.load(runId, new Neo4jSocialProofRepository(db))).toTransfer() }));
