/**
 * API bench: throughput and latency of the read endpoints under load, on a generated customer
 * base loaded into a real (embedded, throw-away) Neo4j and analysed, next to a trivial endpoint in
 * the same run. Load comes from autocannon at a fixed rate, over loopback only.
 *
 *   npx tsx bench/api/run.ts [--customers 100000] [--seed 1] [--rate 500] [--social-rate 100] [--seconds 20] [--connections 20]
 *       [--from-store /work/data/base-100k] [--during-run 200]
 *
 * --from-store DIR  starts Neo4j on a copy of a store built by bench/base-store.ts (a base with a
 *                   completed run) instead of loading and analysing the generated base here;
 * --during-run R    also measures super users and customer metrics at R requests/s, once with no
 *                   run in progress and once while a new analytics run is in progress (the run
 *                   is started just before; its phases during the window are recorded).
 *
 * Endpoints: GET /health (trivial), GET /v1/super-users?limit=50, GET /v1/customers/{id}/metrics
 * (a different customer on every request), GET /v1/customers/{id}/social-proof?target=brand:b1.
 * Writes bench/results/api-<date>.md and .json. Not a test: no assertion on time. It runs with the
 * allocator setting `npm start` gives the service (bench/service-process.ts).
 */
import { execSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ApiKeyRegistry, hashApiKey } from '../../src/domain/api-keys.js';
import { loadGeneratedDataset } from '../../src/demo.js';
import { GraphDatabase } from '../../src/graph/database.js';
import { startEmbeddedNeo4j } from '../../src/neo4j/embedded.js';
import { allocatorSettings, runWithServiceAllocator } from '../service-process.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const CUSTOMERS = Number(arg('customers', '100000'));
const SEED = Number(arg('seed', '1'));
const RATE = Number(arg('rate', '500'));
const SECONDS = Number(arg('seconds', '20'));
const CONNECTIONS = Number(arg('connections', '20'));
/**
 * --raw-latency: record each request's own latency. By default autocannon corrects for coordinated
 * omission when a rate is set, back-filling every response slower than ceil(1 / per-connection
 * rate) — 1 ms at these rates — with synthetic samples down to that interval, so a handful of slow
 * responses weigh as many; its rate limiter also sends each connection's share of a second in a
 * burst at the start of that second.
 */
const RAW_LATENCY = process.argv.includes('--raw-latency');
/** Social proof runs a graph query per request in Neo4j; it is measured at its own rate. */
const SOCIAL_RATE = Number(arg('social-rate', '100'));
const FROM_STORE = process.argv.includes('--from-store') ? arg('from-store', '') : undefined;
const DURING_RUN = process.argv.includes('--during-run') ? Number(arg('during-run', '200')) : undefined;
const KEY = 'bench-read-key';
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

const sh = (cmd: string) => {
  try {
    return execSync(cmd, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

interface Row {
  endpoint: string;
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  load: number;
}

async function hit(base: string, name: string, requests: autocannon.Request[] | undefined, url: string, rate = RATE): Promise<Row> {
  const result = await autocannon({
    url: `${base}${url}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    overallRate: rate,
    // The load is generated in a worker thread, so it does not share the service's event loop.
    workers: 1,
    headers: { authorization: `Bearer ${KEY}` },
    requests,
    ignoreCoordinatedOmission: RAW_LATENCY,
  });
  return {
    endpoint: `${name} @ ${rate}/s`,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, (v as { count?: number }).count ?? 0])),
    load: Math.round(loadavg()[0] * 100) / 100,
  };
}

async function main(): Promise<void> {
  runWithServiceAllocator();
  const started = Date.now();
  const copy = FROM_STORE ? mkdtempSync(path.join(tmpdir(), 'ig-api-bench-')) : undefined;
  if (FROM_STORE && copy) cpSync(FROM_STORE, copy, { recursive: true });
  const neo4j = await startEmbeddedNeo4j(
    copy ? { home: copy, port: 0, password: 'bench-password', heap: '2g', pagecache: '1g' } : { ephemeral: true, port: 0, password: 'bench-password', heap: '2g', pagecache: '1g' },
  );
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    NEO4J_URI: neo4j.uri,
    NEO4J_PASSWORD: 'bench-password',
    API_KEYS: `bench:write:${hashApiKey(KEY)}`,
    DEMO_DATA: 'false',
    // The scoring's threads as the environment says (default: the service's), to compare 1 and 2.
    ANALYTICS_THREADS: process.env.ANALYTICS_THREADS,
  });
  const db = new GraphDatabase({ uri: neo4j.uri, user: 'neo4j', password: 'bench-password' });
  const app = await buildApp(config, { db, apiKeys: new ApiKeyRegistry(config.API_KEYS!), logger: false });
  try {
    await app.readiness.ensureSchema();
    const loadStart = Date.now();
    let run;
    if (!copy) {
      console.log(`loading ${CUSTOMERS} generated customers…`);
      await loadGeneratedDataset(app.services.ingest, CUSTOMERS, SEED, (kind, rows) => {
        if (rows % 100_000 === 0) console.log(`  ${kind}: ${rows}`);
      });
      console.log(`loaded in ${((Date.now() - loadStart) / 1000).toFixed(1)} s; analysing…`);
      run = await app.services.runs.wait((await app.services.runs.start({ betweenness: { samples: 64 } })).id);
    } else {
      run = (await app.services.runs.list(1))[0];
    }
    const loadSeconds = (Date.now() - loadStart) / 1000;
    if (run?.status !== 'completed') throw new Error(`run ${run?.status}: ${run?.message}`);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });

    const snapshot = await app.services.snapshots.current();
    const ids = snapshot.data.ids.filter((_, i) => !snapshot.data.optedOut[i]);
    const pick = (k: number) => ids[(k * 7919) % ids.length];
    const rotating = (make: (id: string) => string): autocannon.Request[] =>
      Array.from({ length: 1000 }, (_, k) => ({ method: 'GET', path: make(pick(k)) }));

    // Social proof answers from the last run's graph in memory, loaded in the background at start.
    const memoryStart = Date.now();
    await app.services.socialProof.refresh();
    const socialMemorySeconds = (Date.now() - memoryStart) / 1000;
    console.log(`social proof memory ready after ${socialMemorySeconds.toFixed(1)} s more`);
    const rows: Row[] = [];
    let duringRun: { runId: string; statusAfterWindow: string; phasesDuringWindow: string[] } | undefined;
    // Warm-up, then each endpoint at the fixed rate.
    await autocannon({ url: `${address}/v1/super-users?limit=50`, connections: 4, amount: 500, headers: { authorization: `Bearer ${KEY}` } });
    rows.push(await hit(address, 'GET /health (trivial)', undefined, '/health'));
    rows.push(await hit(address, 'GET /v1/super-users?limit=50', undefined, '/v1/super-users?limit=50'));
    rows.push(await hit(address, 'GET /v1/customers/{id}/metrics', rotating((id) => `/v1/customers/${id}/metrics`), '/'));
    // The same endpoint for one customer, without autocannon's request list: tells the service's
    // cost apart from what cycling through a list of requests adds on the load generator's side.
    rows.push(await hit(address, 'GET /v1/customers/{id}/metrics, one customer', undefined, `/v1/customers/${pick(0)}/metrics`));
    rows.push(await hit(address, 'GET /v1/customers/{id}/social-proof?target=brand:b1', rotating((id) => `/v1/customers/${id}/social-proof?target=brand:b1`), '/', SOCIAL_RATE));
    if (DURING_RUN) {
      // The same two endpoints at the same rate, idle and then while a new run is in progress.
      const metrics = rotating((id) => `/v1/customers/${id}/metrics`);
      rows.push(await hit(address, 'GET /v1/super-users?limit=50, no run', undefined, '/v1/super-users?limit=50', DURING_RUN));
      rows.push(await hit(address, 'GET /v1/customers/{id}/metrics, no run', metrics, '/', DURING_RUN));
      const during = await app.services.runs.start({ betweenness: { samples: 64 } });
      const phasesSeen = new Set<string>();
      const watch = setInterval(() => {
        void app.services.runs.get(during.id).then((r) => r?.phases.filter((p) => p.status === 'running').forEach((p) => phasesSeen.add(p.name)));
      }, 250);
      rows.push(await hit(address, 'GET /v1/super-users?limit=50, run in progress', undefined, '/v1/super-users?limit=50', DURING_RUN));
      rows.push(await hit(address, 'GET /v1/customers/{id}/metrics, run in progress', metrics, '/', DURING_RUN));
      clearInterval(watch);
      const after = await app.services.runs.get(during.id);
      duringRun = { runId: during.id, statusAfterWindow: after?.status ?? 'unknown', phasesDuringWindow: [...phasesSeen] };
      await app.services.runs.wait(during.id);
    }
    for (const r of rows) console.log(r);

    const machine = {
      nproc: sh('nproc'),
      cpu: sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim(),
      node: process.version,
      java: sh('java -version 2>&1 | head -1'),
      uptime: sh('uptime'),
      allocator: allocatorSettings(),
    };
    const date = new Date().toISOString().slice(0, 10);
    const command =
      `npx tsx bench/api/run.ts --customers ${CUSTOMERS} --seed ${SEED} --rate ${RATE} --social-rate ${SOCIAL_RATE} --seconds ${SECONDS} --connections ${CONNECTIONS}` +
      (FROM_STORE ? ` --from-store ${FROM_STORE}` : '') +
      (DURING_RUN ? ` --during-run ${DURING_RUN}` : '') +
      (RAW_LATENCY ? ' --raw-latency' : '');
    const report = { command, date, customers: CUSTOMERS, fromStore: FROM_STORE ?? null, loadSeconds, socialMemorySeconds, run: { phases: run.phases, summary: run.summary.customers }, duringRun: duringRun ?? null, rate: RATE, seconds: SECONDS, connections: CONNECTIONS, rows, machine, wallSeconds: (Date.now() - started) / 1000 };
    const name = `api-${date}${FROM_STORE ? `-${Math.round(CUSTOMERS / 1000)}k` : ''}${RAW_LATENCY ? '-raw' : ''}`;
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(path.join(RESULTS, `${name}.json`), JSON.stringify(report, null, 2));
    const table = rows
      .map((r) => `| ${r.endpoint} | ${r.rps} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.max} | ${r.non2xx + r.errors} | ${Object.entries(r.statuses).map(([c, k]) => `${c}: ${k}`).join(', ')} | ${r.load} |`)
      .join('\n');
    writeFileSync(
      path.join(RESULTS, `${name}.md`),
      `# API bench — ${date}

Target (issue): p99 under 20 ms at 500 requests per second for super users and metrics.

Command: \`${command}\`

${
        FROM_STORE
          ? `${CUSTOMERS} generated customers (seed ${SEED}) from a copy of the store \`${FROM_STORE}\` (bench/base-store.ts: loaded
through the ingest service and analysed once); the service`
          : `${CUSTOMERS} generated customers (seed ${SEED}) loaded through the ingest service in ${loadSeconds.toFixed(0)} s and analysed
(one run, betweenness sampled at 64 sources) in a throw-away embedded Neo4j; the service`
      } in the bench process on
127.0.0.1; autocannon in a worker thread of the same process at a fixed overall rate (per row) over ${CONNECTIONS}
connections for ${SECONDS} s per endpoint; metrics and social proof rotate over 1000 customers.

| endpoint | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | statuses | load (1 min) |
|---|---:|---:|---:|---:|---:|---:|---|---:|
${table}

Machine: ${machine.nproc} cores (${machine.cpu}), Node ${machine.node}, ${machine.java}; \`${machine.uptime}\`.
The load generator shares the machine (and the process) with the service, so figures are conservative.
${
  duringRun
    ? `
The rows marked "run in progress" were measured while analytics run ${duringRun.runId} was in progress
(phases seen running during the window: ${duringRun.phasesDuringWindow.join(', ') || 'none'}; status at the end of
the window: ${duringRun.statusAfterWindow}), against the same endpoints at the same rate with no run in progress just before.
`
    : ''
}`,
    );
    console.log(`wrote ${path.join(RESULTS, `${name}.md`)}`);
  } finally {
    await app.close();
    await db.close();
    await neo4j.stop();
    if (copy) rmSync(copy, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
