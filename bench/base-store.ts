/**
 * Builds a reusable Neo4j store holding a generated customer base, so that benches which only
 * need "a 100k base with a completed run" copy a directory instead of loading it again:
 *
 *   npx tsx bench/base-store.ts --customers 100000 [--seed 1] [--home /work/data/base-100k] [--no-run]
 *
 * It starts the embedded Neo4j on --home (heap 2g, page cache 1g), applies the schema, writes every
 * kind of generateDataset({customers, seed}) through IngestService.ingestStream (10k rows a batch),
 * runs one analytics run with the default parameters (unless --no-run) and stops the database
 * cleanly. The password is the bench's ("bench-password"). A copy of the folder is a complete
 * database home: `cp -r HOME COPY` then startEmbeddedNeo4j({ home: COPY, password: 'bench-password' }).
 * Writes HOME/base.json with the counts and timings.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildServices } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { KIND_NAMES } from '../src/domain/model.js';
import { generateDataset } from '../src/generator/generate.js';
import { GraphDatabase } from '../src/graph/database.js';
import { applySchema } from '../src/graph/schema.repository.js';
import { startEmbeddedNeo4j } from '../src/neo4j/embedded.js';
import { argValue, intArg } from './args.js';

export const BASE_STORE_PASSWORD = 'bench-password';

async function main(): Promise<void> {
  const customers = intArg('customers', 100_000);
  const seed = intArg('seed', 1);
  const home = path.resolve(argValue('home') ?? `/work/data/base-${customers / 1000}k`);
  const log = (m: string) => console.log(`[base-store ${new Date().toISOString().slice(11, 19)}] ${m}`);
  const info: Record<string, unknown> = { customers, seed, load1AtStart: loadavg()[0] };
  const neo4j = await startEmbeddedNeo4j({ home, port: 0, password: BASE_STORE_PASSWORD, heap: '2g', pagecache: '1g' });
  const db = new GraphDatabase({ uri: neo4j.uri, user: 'neo4j', password: BASE_STORE_PASSWORD });
  try {
    const config = loadConfig({ NEO4J_URI: neo4j.uri, NEO4J_PASSWORD: BASE_STORE_PASSWORD, LOG_LEVEL: 'silent', DEMO_DATA: 'false', DATA_DIR: home });
    await applySchema(db);
    const services = buildServices(config, db);
    const ds = generateDataset({ customers, seed });
    info.counts = ds.counts;
    const t0 = performance.now();
    for (const kind of KIND_NAMES) {
      const k0 = performance.now();
      const counts = await services.ingest.ingestStream(kind, ds.rows(kind), 10_000);
      log(`${counts.received} ${kind} in ${((performance.now() - k0) / 1000).toFixed(1)} s`);
    }
    info.loadSeconds = Math.round((performance.now() - t0) / 100) / 10;
    if (!process.argv.includes('--no-run')) {
      const r0 = performance.now();
      const started = await services.runs.start({});
      const run = await services.runs.wait(started.id);
      info.run = { id: run.id, status: run.status, seconds: Math.round((performance.now() - r0) / 100) / 10 };
      log(`analytics run ${run.status} in ${(info.run as { seconds: number }).seconds} s`);
    }
    info.load1AtEnd = loadavg()[0];
    writeFileSync(path.join(home, 'base.json'), JSON.stringify(info, null, 2));
    log(`store ready in ${home}`);
  } finally {
    await db.close();
    await neo4j.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
