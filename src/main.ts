/**
 * Process entry: configuration → database (the embedded one unless NEO4J_URI is set) → schema →
 * demo data on an empty database → app → listen. SIGINT/SIGTERM close the app, then the database.
 */
import path from 'node:path';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { ApiKeyRegistry } from './domain/api-keys.js';
import { GraphDatabase } from './graph/database.js';
import { localAdminKey } from './local-key.js';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from './neo4j/embedded.js';
import { loadDemoDataIfEmpty } from './demo.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  let printedKey: string | undefined;
  const keys = config.API_KEYS ?? [];
  if (!config.API_KEYS) {
    const local = localAdminKey(config.DATA_DIR);
    keys.push(local.entry);
    printedKey = local.key;
  }

  let embedded: EmbeddedNeo4j | undefined;
  let uri = config.NEO4J_URI;
  if (!uri) {
    const started = Date.now();
    console.log('Starting the embedded Neo4j…');
    embedded = await startEmbeddedNeo4j({
      home: path.join(config.DATA_DIR, 'neo4j'),
      port: config.NEO4J_BOLT_PORT,
      password: config.NEO4J_PASSWORD,
      heap: config.NEO4J_HEAP,
      pagecache: config.NEO4J_PAGECACHE,
    });
    uri = embedded.uri;
    console.log(`Neo4j is up at ${uri} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    void embedded.exited.then((code) => {
      if (!shuttingDown) console.error(`The embedded Neo4j exited unexpectedly (status ${code}).`);
    });
  }

  const db = new GraphDatabase({
    uri,
    user: config.NEO4J_USER,
    password: config.NEO4J_PASSWORD,
    database: config.NEO4J_DATABASE,
  });
  const app = await buildApp(config, { db, apiKeys: new ApiKeyRegistry(keys) });

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`\n${signal}: stopping…`);
    app.services.snapshots.stop();
    await app.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    if (embedded) await embedded.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.readiness.ensureSchema();
  const stoppedRuns = await app.services.runs.recover();
  if (stoppedRuns > 0) console.log(`${stoppedRuns} analytics run(s) were interrupted by the last stop; the previous results are in place.`);
  const interrupted = await app.services.imports.recover();
  if (interrupted > 0) console.log(`${interrupted} import job(s) were interrupted by the last stop; resume them with POST /v1/imports/{id}/resume.`);
  if (config.DEMO_DATA) {
    const loaded = await loadDemoDataIfEmpty({ ingest: app.services.ingest, customerCount: () => app.services.entities.count('customer') }, config);
    if (loaded) {
      const run = await app.services.runs.start({});
      console.log(`Analysing the demo data (run ${run.id}); results appear when it completes.`);
    }
  }
  app.services.snapshots.startPolling();

  await app.listen({ host: config.HOST, port: config.PORT });
  const base = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
  console.log(`influence-graph is listening on ${base}`);
  console.log(`  API docs   ${base}/docs`);
  console.log(`  readiness  ${base}/ready`);
  if (printedKey) {
    console.log(`  admin key  ${printedKey}   (kept in ${path.join(config.DATA_DIR, 'local-admin-key')})`);
    console.log(`  try: curl -H "Authorization: Bearer ${printedKey}" ${base}/v1/customers?limit=5`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
