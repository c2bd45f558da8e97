/** Demo data for a fresh machine; filled in by the data generator and the importer. */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';

export async function loadDemoDataIfEmpty(_app: FastifyInstance, _config: Config): Promise<void> {
  // The demo loader arrives with the importer.
}
