/**
 * Ingest soak: successive loads of the same-sized interactions file through the NDJSON import API,
 * timing every write batch, to show whether any batch stalls (a write query re-planned mid-load).
 *
 *   npx tsx bench/ingest/soak.ts --customers 14000 --loads 20 [--seed 1] [--label after] [--out-dir bench/results]
 *
 * One embedded Neo4j (temporary home, heap 1g, page cache 512m, deleted at the end) and the service
 * in this process (buildApp + listen on 127.0.0.1, one write key). The generated customers are
 * imported once; then the generated interactions (about 2.5 per customer: ~35k at 14,000 customers)
 * are imported --loads times through POST /v1/imports/interactions over real HTTP. Each load gives
 * its rows new event ids (`<load>-<n>`), so the INTERACTED relationships and their id index grow by
 * one file per load — the condition under which the planner sees the index selectivity change and
 * re-plans the write. The job is polled every 50 ms; a batch's time is the gap between two changes
 * of `rowsWritten` (resolution 50 ms). A load whose job does not finish within --max-load-s is
 * recorded as stalled and the soak stops. Writes ingest-soak-<date>[-label].md and .json.
 * Not a test: no assertion on time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ApiKeyRegistry, hashApiKey } from '../../src/domain/api-keys.js';
import { generateDataset } from '../../src/generator/generate.js';
import { GraphDatabase } from '../../src/graph/database.js';
import { applySchema } from '../../src/graph/schema.repository.js';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../../src/neo4j/embedded.js';
import { argValue, intArg } from '../args.js';


const CUSTOMERS = intArg('customers', 14_000);
const LOADS = intArg('loads', 20);
const SEED = intArg('seed', 1);
const MAX_LOAD_S = intArg('max-load-s', 900);
const LABEL = argValue('label');
const OUT_DIR = path.resolve(argValue('out-dir') ?? 'bench/results');
const PASSWORD = 'bench-password';
const API_KEY = 'bench-write-key';
const POLL_MS = 50;

const log = (line: string) => console.log(`[ingest-soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
const load1 = () => Math.round(loadavg()[0] * 100) / 100;
const sh = (cmd: string) => {
  try {
    return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return '(unavailable)';
  }
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LoadResult {
  load: number;
  rows: number;
  seconds: number;
  status: string;
  batchSeconds: number[];
  load1: number;
}

async function importOnce(baseUrl: string, kind: string, body: string, maxSeconds: number): Promise<Omit<LoadResult, 'load' | 'load1'>> {
  const headers = { authorization: `Bearer ${API_KEY}` };
  const started = performance.now();
  const res = await fetch(`${baseUrl}/v1/imports/${kind}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-ndjson' },
    body,
  });
  if (res.status !== 202) throw new Error(`import of ${kind} answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  let lastWritten = 0;
  let lastChange = performance.now();
  let writingSince: number | undefined;
  const batchSeconds: number[] = [];
  for (;;) {
    await sleep(POLL_MS);
    const job = (await (await fetch(`${baseUrl}/v1/imports/${id}`, { headers })).json()) as { status: string; rowsWritten: number; rowsTotal: number };
    const now = performance.now();
    if (job.status === 'writing' && writingSince === undefined) writingSince = lastChange = now;
    if (job.rowsWritten !== lastWritten) {
      batchSeconds.push(Math.round(now - lastChange) / 1000);
      lastWritten = job.rowsWritten;
      lastChange = now;
    }
    if (!['validating', 'writing'].includes(job.status)) {
      return { rows: job.rowsTotal, seconds: Math.round(now - started) / 1000, status: job.status, batchSeconds };
    }
    if (now - started > maxSeconds * 1000) {
      // The batch in flight is the stalled one: record how long it has waited so far.
      batchSeconds.push(Math.round(now - lastChange) / 1000);
      return { rows: job.rowsTotal, seconds: Math.round(now - started) / 1000, status: 'stalled', batchSeconds };
    }
  }
}

async function main() {
  const date = new Date().toISOString().slice(0, 10);
  const machine = {
    nproc: sh('nproc'),
    memory: sh('free -g').split('\n').slice(0, 2).join(' | ').replace(/\s+/g, ' '),
    uptimeBefore: sh('uptime'),
    node: process.version,
    java: sh('java -version 2>&1 | head -1'),
    commit: sh('git rev-parse --short HEAD'),
  };
  const command = `npx tsx bench/ingest/soak.ts ${process.argv.slice(2).join(' ')}`.trim();
  log(`generating ${CUSTOMERS} customers, seed ${SEED}`);
  const ds = generateDataset({ customers: CUSTOMERS, seed: SEED });
  const customers = [...ds.rows('customers')];
  const interactions = [...ds.rows('interactions')] as unknown as Record<string, unknown>[];
  log(`${customers.length} customers, ${interactions.length} interactions per load`);
  const customerBody = customers.map((c) => JSON.stringify(c)).join('\n') + '\n';
  const bodyOf = (load: number) => interactions.map((r, n) => JSON.stringify({ ...r, id: `${load}-${n}` })).join('\n') + '\n';

  const home = mkdtempSync(path.join(tmpdir(), 'ig-soak-'));
  let neo4j: EmbeddedNeo4j | undefined;
  let db: GraphDatabase | undefined;
  let app: FastifyInstance | undefined;
  const loads: LoadResult[] = [];
  try {
    neo4j = await startEmbeddedNeo4j({ home, port: 0, password: PASSWORD, heap: '1g', pagecache: '512m' });
    log(`Neo4j up at ${neo4j.uri}`);
    const config = loadConfig({
      NEO4J_URI: neo4j.uri,
      NEO4J_PASSWORD: PASSWORD,
      LOG_LEVEL: 'silent',
      DEMO_DATA: 'false',
      DATA_DIR: path.join(home, 'service'),
      API_KEYS: `bench:write:${hashApiKey(API_KEY)}`,
      // Client and service share this process: the event-loop guard would refuse uploads while the
      // client builds the next body. It is not what this bench measures.
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    });
    db = new GraphDatabase({ uri: neo4j.uri, user: config.NEO4J_USER, password: PASSWORD });
    await applySchema(db);
    app = await buildApp(config, { db, apiKeys: new ApiKeyRegistry(config.API_KEYS ?? []), logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const c = await importOnce(baseUrl, 'customers', customerBody, MAX_LOAD_S);
    log(`customers: ${c.status} in ${c.seconds} s`);
    for (let load = 1; load <= LOADS; load++) {
      const r = await importOnce(baseUrl, 'interactions', bodyOf(load), MAX_LOAD_S);
      loads.push({ load, ...r, load1: load1() });
      log(`load ${load}: ${r.status}, ${r.rows} rows in ${r.seconds} s; batches ${r.batchSeconds.join(', ')} s; load ${load1()}`);
      if (r.status !== 'completed') break;
    }
  } finally {
    await app?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await neo4j?.stop().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }

  const batches = loads.flatMap((l) => l.batchSeconds);
  const med = median(batches);
  const max = Math.max(0, ...batches);
  const summary = {
    batches: batches.length,
    medianBatchSeconds: Math.round(med * 1000) / 1000,
    maxBatchSeconds: max,
    maxOverMedian: med > 0 ? Math.round((max / med) * 100) / 100 : null,
    slowerThan5xMedian: batches.filter((b) => b > 5 * med).length,
    loadsCompleted: loads.filter((l) => l.status === 'completed').length,
  };
  const result = { date, label: LABEL ?? null, command, machine: { ...machine, uptimeAfter: sh('uptime') }, customers: CUSTOMERS, loads, summary };
  mkdirSync(OUT_DIR, { recursive: true });
  const base = path.join(OUT_DIR, `ingest-soak-${date}${LABEL ? `-${LABEL}` : ''}`);
  writeFileSync(`${base}.json`, JSON.stringify(result, null, 2) + '\n');
  const md = [
    `# Ingest soak ${date}${LABEL ? ` (${LABEL})` : ''}`,
    '',
    `Command: \`${command}\` (commit ${machine.commit})`,
    '',
    `Machine: nproc ${machine.nproc}; ${machine.memory}; Node ${machine.node}; ${machine.java}`,
    `Load before: ${machine.uptimeBefore}`,
    `Load after: ${result.machine.uptimeAfter}`,
    '',
    `Batches ${summary.batches}, median ${summary.medianBatchSeconds} s, max ${max} s (${summary.maxOverMedian}× median), ${summary.slowerThan5xMedian} slower than 5× median; ${summary.loadsCompleted}/${LOADS} loads completed.`,
    '',
    '| load | status | rows | seconds | batch seconds | load1 |',
    '|---:|---|---:|---:|---|---:|',
    ...loads.map((l) => `| ${l.load} | ${l.status} | ${l.rows} | ${l.seconds} | ${l.batchSeconds.join(', ')} | ${l.load1} |`),
    '',
  ].join('\n');
  writeFileSync(`${base}.md`, md);
  log(`wrote ${base}.md and .json`);
  log(JSON.stringify(summary));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
