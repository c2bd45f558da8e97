/**
 * Process entry: configuration → logger → database (the embedded one, supervised, unless
 * NEO4J_URI is set) → schema → demo data on an empty database → app → listen. SIGINT/SIGTERM stop
 * gracefully: no new work, running jobs parked as resumable, then the app, the driver and the
 * database are closed — and the process exits within SHUTDOWN_GRACE_MS whatever hangs.
 */
import path from 'node:path';
import { pino } from 'pino';
import { missingAllocatorSettings } from './allocator.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { ApiKeyRegistry } from './domain/api-keys.js';
import { GraphDatabase } from './graph/database.js';
import { localAdminKey } from './local-key.js';
import { EmbeddedNeo4jSupervisor } from './neo4j/supervisor.js';
import { loadDemoDataIfEmpty } from './demo.js';

let logger: pino.Logger | undefined;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // The only message written before the logger exists.
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = (logger = pino({ level: config.LOG_LEVEL }));
  const allocator = missingAllocatorSettings();
  if (allocator.length > 0 && process.platform === 'linux') {
    log.warn(
      { missing: allocator },
      'started without the allocator setting npm start gives (src/allocator.ts): freed typed arrays may stay resident and the peak memory of a run be higher',
    );
  }

  let printedKey: string | undefined;
  const keys = config.API_KEYS ?? [];
  if (!config.API_KEYS) {
    const local = localAdminKey(config.DATA_DIR);
    keys.push(local.entry);
    printedKey = local.key;
  }

  let supervisor: EmbeddedNeo4jSupervisor | undefined;
  let uri = config.NEO4J_URI;
  if (!uri) {
    const started = Date.now();
    log.info('starting the embedded Neo4j');
    supervisor = await EmbeddedNeo4jSupervisor.start({
      home: path.join(config.DATA_DIR, 'neo4j'),
      port: config.NEO4J_BOLT_PORT,
      password: config.NEO4J_PASSWORD,
      heap: config.NEO4J_HEAP,
      pagecache: config.NEO4J_PAGECACHE,
      gds: config.NEO4J_GDS,
      logger: log.child({ component: 'neo4j' }),
      buildLog: (line) => log.info({ component: 'neo4j' }, line),
    });
    uri = supervisor.uri;
    log.info({ uri, seconds: Number(((Date.now() - started) / 1000).toFixed(1)) }, 'Neo4j is up');
  }

  const db = new GraphDatabase({
    uri,
    user: config.NEO4J_USER,
    password: config.NEO4J_PASSWORD,
    database: config.NEO4J_DATABASE,
    availability: supervisor,
  });
  const app = await buildApp(config, { db, apiKeys: new ApiKeyRegistry(keys), loggerInstance: log });
  supervisor?.onUp(() => {
    app.readiness.invalidate();
    app.readiness.ensureSchema().catch((error: unknown) => log.warn({ err: error }, 'the schema could not be applied after the restart yet'));
  });

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, 'stopping');
    setTimeout(() => {
      log.error({ graceMs: config.SHUTDOWN_GRACE_MS }, 'the stop did not finish within the grace period; exiting now');
      log.flush();
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS).unref();
    // app.close() first drains: no new work, running jobs parked (see lifecycle.plugin.ts).
    await app.close().catch((error: unknown) => log.error({ err: error }, 'closing the app failed'));
    await db.close().catch((error: unknown) => log.error({ err: error }, 'closing the driver failed'));
    if (supervisor) await supervisor.stop();
    log.info('stopped');
    log.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.readiness.ensureSchema();
  const stoppedRuns = await app.services.runs.recover();
  if (stoppedRuns > 0) log.info({ runs: stoppedRuns }, 'analytics runs were interrupted by the last stop; the previous results are in place');
  const interrupted = await app.services.imports.recover();
  if (interrupted > 0) log.info({ imports: interrupted }, 'import jobs were interrupted by the last stop; resume them with POST /v1/imports/{id}/resume');
  if (config.DEMO_DATA) {
    const loaded = await loadDemoDataIfEmpty({ ingest: app.services.ingest, customerCount: () => app.services.entities.count('customer') }, config);
    if (loaded) {
      const run = await app.services.runs.start({});
      log.info({ runId: run.id }, 'analysing the demo data; results appear when the run completes');
    }
  }
  app.services.snapshots.startPolling();
  // In the background: the first analytics run then reads its projection as fast as the next ones.
  if (config.ANALYTICS_WARM_UP) void app.services.runs.warmUp();

  await app.listen({ host: config.HOST, port: config.PORT });
  const base = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
  log.info({ docs: `${base}/docs`, readiness: `${base}/ready` }, `influence-graph is listening on ${base}`);
  if (printedKey) {
    log.info(
      { keyFile: path.join(config.DATA_DIR, 'local-admin-key') },
      `admin key ${printedKey} — try: curl -H "Authorization: Bearer ${printedKey}" ${base}/v1/customers?limit=5`,
    );
  }
}

main().catch((error: unknown) => {
  if (logger) {
    logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
    logger.flush();
  } else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
