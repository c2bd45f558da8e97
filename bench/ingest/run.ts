/**
 * Ingest bench: the REST bulk API against Neo4j's own LOAD CSV, on the same generated ties.
 *
 *   npx tsx bench/ingest/run.ts --customers 100000 --seed 1 [--concurrency 1,2] [--rounds 2] [--parts]
 *                               [--no-initial-load] [--out-dir bench/results]
 *
 * One embedded Neo4j (temporary home, heap 2g, page cache 1g) and the service in this process
 * (buildApp + listen on 127.0.0.1, random port). Steps, each from the same starting state:
 *   warm-up  a small other dataset through both paths (JIT, query plans), then the full data once
 *            by LOAD CSV (store files grown to size), everything deleted after each;
 *   rounds   --rounds times (API then LOAD CSV in odd rounds, LOAD CSV then API in even ones, so
 *            that a drifting machine load favours neither):
 *     api ×c   for each concurrency c: customers, then ties, through POST /v1/{kind}/bulk over real
 *              HTTP in batches of 10k rows (bodies serialised before the clock starts), then all
 *              customers and ties deleted;
 *     csv      customers.csv and ties.csv written into <home>/import, loaded with LOAD CSV … CALL {
 *              MATCH … MERGE … SET } IN TRANSACTIONS OF 10000 ROWS (the API's MERGE semantics);
 *   initial  the same customers and ties as NDJSON files, loaded by scripts/initial-load.ts (bulk
 *            importer) into a second, fresh home: validation and files, import, schema;
 *   check    every path must end with the same counts and property fingerprints;
 *   parts    (--parts) ties loaded once more with each stage of a bulk request timed on its own (JSON
 *            parse, the route's zod check, the service's zod check, the reference-check query, the
 *            write transaction), to show what limits the API path.
 * Writes ingest-<date>.md and ingest-<date>.json into --out-dir (--from-json FILE rewrites the .md of
 * a recorded .json without running anything). Not a test: no assertion on time.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { buildApp, buildServices } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { ApiKeyRegistry, hashApiKey } from '../../src/domain/api-keys.js';
import * as ingestService from '../../src/domain/ingest.service.js';
import { ReferenceChecker, validateRows } from '../../src/domain/ingest.service.js';
import { KINDS } from '../../src/domain/model.js';
import { generateDataset, type Dataset } from '../../src/generator/generate.js';
import { GraphDatabase, toNumber } from '../../src/graph/database.js';
import { Neo4jIngestRepository } from '../../src/graph/ingest.repository.js';
import { applySchema } from '../../src/graph/schema.repository.js';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../../src/neo4j/embedded.js';
import { initialLoad, type InitialLoadResult } from '../../scripts/initial-load.js';
import { argValue, intArg } from '../args.js';

// ---------------------------------------------------------------------------------------------
// Arguments

const CUSTOMERS = intArg('customers', 100_000);
const SEED = intArg('seed', 1);
const BATCH = intArg('batch', 10_000);
const CONCURRENCY = (argValue('concurrency') ?? '1,2').split(',').map((s) => {
  const c = Number(s);
  if (!Number.isInteger(c) || c < 1) throw new Error(`--concurrency takes positive integers, got ${s}`);
  return c;
});
const OUT_DIR = path.resolve(argValue('out-dir') ?? 'bench/results');
const ROUNDS = intArg('rounds', 2);
const PARTS = process.argv.includes('--parts');
const INITIAL_LOAD = !process.argv.includes('--no-initial-load');
const HEAP = argValue('heap') ?? '2g';
const PAGECACHE = argValue('pagecache') ?? '1g';
const PASSWORD = 'bench-password';
const API_KEY = 'bench-write-key';

// ---------------------------------------------------------------------------------------------
// Small helpers

const log = (line: string) => console.log(`[ingest-bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const sec = (ms: number) => Math.round(ms) / 1000;
const perSecond = (rows: number, ms: number) => Math.round((rows / ms) * 1000);
const load1 = () => Math.round(loadavg()[0] * 100) / 100;

function sh(cmd: string): string {
  try {
    return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return '(unavailable)';
  }
}

function machine() {
  return {
    nproc: sh('nproc'),
    memory: sh('free -g').split('\n').slice(0, 2).join(' | ').replace(/\s+/g, ' '),
    uptime: sh('uptime'),
    node: process.version,
    java: sh('java -version 2>&1 | head -1'),
    cpu: sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1) + 0.5))];
}

/** JVM resident set (and its peak) from /proc, in MB. */
function jvmRss(pid: number): { rssMb: number; hwmMb: number } {
  const text = sh(`cat /proc/${pid}/status`);
  const kb = (key: string) => Number(/^\s*(\d+)/.exec(text.split(`${key}:`)[1] ?? '')?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), hwmMb: Math.round(kb('VmHWM') / 1024) };
}

// ---------------------------------------------------------------------------------------------
// Data

type Row = Record<string, unknown>;

interface Material {
  customers: Row[];
  ties: Row[];
}

/** Rows of the two kinds, ties already in the orientation the service stores (KNOWS from < to). */
function material(ds: Dataset): Material {
  const customers = [...ds.rows('customers')] as unknown as Row[];
  const ties: Row[] = [];
  for (const t of ds.rows('ties')) {
    const row = t as unknown as Row;
    ties.push(row.kind === 'KNOWS' && (row.from as string) > (row.to as string) ? { ...row, from: row.to, to: row.from } : row);
  }
  return { customers, ties };
}

function batchesOf<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r\\]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function writeCsv(file: string, columns: string[], rows: Row[]): number {
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c])).join(','));
  const text = lines.join('\n') + '\n';
  writeFileSync(file, text);
  return Buffer.byteLength(text);
}

const CUSTOMER_COLUMNS = ['id', 'name', 'handle', 'segment', 'region', 'optedOut', 'createdAt', 'attributes'];
const TIE_COLUMNS = ['from', 'to', 'kind', 'since', 'weight'];

// ---------------------------------------------------------------------------------------------
// Cypher of the LOAD CSV path: the MERGE/SET of src/graph/ingest.repository.ts, row by row.

const csvDatetime = (field: string) => `CASE WHEN ${field} IS NULL OR ${field} = '' THEN null ELSE datetime(${field}) END`;

const LOAD_CUSTOMERS = `
LOAD CSV WITH HEADERS FROM $url AS r
CALL {
  WITH r
  MERGE (c:Customer {id: r.id})
  SET c.name = r.name, c.handle = r.handle, c.segment = r.segment, c.region = r.region,
      c.optedOut = coalesce(r.optedOut = 'true', false), c.createdAt = ${csvDatetime('r.createdAt')},
      c.attributes = r.attributes
} IN TRANSACTIONS OF 10000 ROWS`;

const loadTies = (type: 'FOLLOWS' | 'KNOWS') => `
LOAD CSV WITH HEADERS FROM $url AS r
WITH r WHERE r.kind = '${type}'
CALL {
  WITH r
  MATCH (a:Customer {id: r.from})
  MATCH (b:Customer {id: r.to})
  MERGE (a)-[t:${type}]->(b)
  SET t.since = ${csvDatetime('r.since')}, t.weight = coalesce(toFloat(r.weight), 1.0)
} IN TRANSACTIONS OF 10000 ROWS`;

const CLEAR_TIES = 'MATCH ()-[t:FOLLOWS|KNOWS]->() CALL { WITH t DELETE t } IN TRANSACTIONS OF 50000 ROWS';
const CLEAR_CUSTOMERS = 'MATCH (c:Customer) CALL { WITH c DETACH DELETE c } IN TRANSACTIONS OF 50000 ROWS';

/** Counts and property fingerprints: equal fingerprints mean the same graph was written. */
const FINGERPRINT = `
CALL { MATCH (c:Customer) RETURN count(c) AS customers, sum(size(coalesce(c.attributes, ''))) AS attributeChars,
         count(c.createdAt) AS createdAt, sum(CASE WHEN c.optedOut THEN 1 ELSE 0 END) AS optedOut,
         sum(size(coalesce(c.name, '')) + size(coalesce(c.handle, ''))) AS nameChars }
CALL { MATCH ()-[t:FOLLOWS]->() RETURN count(t) AS follows, sum(round(t.weight * 1000)) AS followsWeight,
         sum(t.since.epochSeconds) AS followsSince }
CALL { MATCH ()-[t:KNOWS]->() RETURN count(t) AS knows, sum(round(t.weight * 1000)) AS knowsWeight,
         sum(t.since.epochSeconds) AS knowsSince }
RETURN customers, attributeChars, createdAt, optedOut, nameChars, follows, followsWeight, followsSince,
       knows, knowsWeight, knowsSince`;

type Fingerprint = Record<string, number>;

async function fingerprint(db: GraphDatabase): Promise<Fingerprint> {
  const result = await db.read((tx) => tx.run(FINGERPRINT));
  const record = result.records[0];
  const out: Fingerprint = {};
  for (const key of record.keys) out[String(key)] = toNumber(record.get(key));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The API path

interface HttpStats {
  rows: number;
  requests: number;
  ms: number;
  rowsPerSecond: number;
  retries: number;
  latencyMs: { p50: number; p90: number; max: number };
  created: number;
}

/** Sends pre-serialised bodies with `concurrency` requests in flight; retries a retriable 503. */
async function postAll(baseUrl: string, kind: string, bodies: string[], rowsPerBody: number[], concurrency: number): Promise<HttpStats> {
  let next = 0;
  let retries = 0;
  let created = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= bodies.length) return;
      for (let attempt = 1; ; attempt++) {
        const t0 = performance.now();
        const response = await fetch(`${baseUrl}/v1/${kind}/bulk`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
          body: bodies[i],
        });
        const text = await response.text();
        latencies.push(performance.now() - t0);
        if (response.ok) {
          created += (JSON.parse(text) as { created: number }).created;
          break;
        }
        if (response.status === 503 && attempt < 5) {
          retries++;
          await new Promise((r) => setTimeout(r, 200 * attempt));
          continue;
        }
        throw new Error(`POST /v1/${kind}/bulk batch ${i} answered ${response.status}: ${text.slice(0, 500)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - started;
  const rows = rowsPerBody.reduce((a, b) => a + b, 0);
  latencies.sort((a, b) => a - b);
  return {
    rows,
    requests: bodies.length,
    ms: Math.round(ms),
    rowsPerSecond: perSecond(rows, ms),
    retries,
    latencyMs: { p50: Math.round(percentile(latencies, 0.5)), p90: Math.round(percentile(latencies, 0.9)), max: Math.round(latencies[latencies.length - 1] ?? 0) },
    created,
  };
}

interface Bodies {
  customers: string[];
  customerRows: number[];
  ties: string[];
  tieRows: number[];
}

function serialise(m: Material): Bodies {
  const c = batchesOf(m.customers, BATCH);
  const t = batchesOf(m.ties, BATCH);
  return {
    customers: c.map((b) => JSON.stringify(b)),
    customerRows: c.map((b) => b.length),
    ties: t.map((b) => JSON.stringify(b)),
    tieRows: t.map((b) => b.length),
  };
}

// ---------------------------------------------------------------------------------------------
// The LOAD CSV path

interface CsvStats {
  customers: { rows: number; ms: number; rowsPerSecond: number; csvBytes: number; writeCsvMs: number };
  ties: { rows: number; ms: number; rowsPerSecond: number; csvBytes: number; writeCsvMs: number; followsMs: number; knowsMs: number };
  url: string;
  urlNote?: string;
}

/** file:///name.csv when the import root is <home>/import; else the absolute file URL (noted). */
async function csvUrl(db: GraphDatabase, importDir: string, name: string): Promise<{ url: string; note?: string }> {
  const relative = `file:///${name}`;
  try {
    await db.autoCommit(`LOAD CSV FROM $url AS r RETURN count(r) AS n`, { url: relative });
    return { url: relative };
  } catch {
    return {
      url: `file://${path.join(importDir, name)}`,
      note:
        `'${relative}' did not resolve to <home>/import: the launcher sets no server.directories.import, ` +
        'so file URLs are resolved from the filesystem root; the bench used absolute file URLs',
    };
  }
}

async function loadCsvPath(db: GraphDatabase, importDir: string, m: Material): Promise<CsvStats> {
  let t0 = performance.now();
  const customerBytes = writeCsv(path.join(importDir, 'customers.csv'), CUSTOMER_COLUMNS, m.customers);
  const customerCsvMs = performance.now() - t0;
  t0 = performance.now();
  const tieBytes = writeCsv(path.join(importDir, 'ties.csv'), TIE_COLUMNS, m.ties);
  const tieCsvMs = performance.now() - t0;

  const customersUrl = await csvUrl(db, importDir, 'customers.csv');
  const tiesUrl = await csvUrl(db, importDir, 'ties.csv');

  t0 = performance.now();
  await db.autoCommit(LOAD_CUSTOMERS, { url: customersUrl.url });
  const customerMs = performance.now() - t0;

  t0 = performance.now();
  await db.autoCommit(loadTies('FOLLOWS'), { url: tiesUrl.url });
  const followsMs = performance.now() - t0;
  const t1 = performance.now();
  await db.autoCommit(loadTies('KNOWS'), { url: tiesUrl.url });
  const knowsMs = performance.now() - t1;
  const tiesMs = performance.now() - t0;

  return {
    customers: { rows: m.customers.length, ms: Math.round(customerMs), rowsPerSecond: perSecond(m.customers.length, customerMs), csvBytes: customerBytes, writeCsvMs: Math.round(customerCsvMs) },
    ties: {
      rows: m.ties.length,
      ms: Math.round(tiesMs),
      rowsPerSecond: perSecond(m.ties.length, tiesMs),
      csvBytes: tieBytes,
      writeCsvMs: Math.round(tieCsvMs),
      followsMs: Math.round(followsMs),
      knowsMs: Math.round(knowsMs),
    },
    url: tiesUrl.url,
    urlNote: tiesUrl.note,
  };
}

// ---------------------------------------------------------------------------------------------
// Where a bulk request's time goes: each stage of POST /v1/ties/bulk, timed on its own.

interface PartsStats {
  batches: number;
  rows: number;
  ms: Record<string, number>;
  share: Record<string, number>;
  rowsPerSecondWithoutHttp: number;
}

async function timeParts(db: GraphDatabase, config: Config, bodies: string[]): Promise<PartsStats> {
  const repo = new Neo4jIngestRepository(db);
  const routeSchema = z.array(KINDS.ties.schema).max(config.BULK_MAX_ROWS);
  const ms = { jsonParse: 0, routeZod: 0, serviceZod: 0, referenceBookkeeping: 0, referenceQuery: 0, writeTransaction: 0 };
  let rows = 0;
  for (const body of bodies) {
    let t = performance.now();
    const raw = JSON.parse(body) as unknown[];
    ms.jsonParse += performance.now() - t;

    t = performance.now();
    const routed = routeSchema.safeParse(raw);
    ms.routeZod += performance.now() - t;
    if (!routed.success) throw new Error('route schema refused a generated batch');

    t = performance.now();
    const { rows: valid, problems } = validateRows('ties', routed.data);
    ms.serviceZod += performance.now() - t;
    if (problems.length > 0) throw new Error('service refused a generated batch');

    t = performance.now();
    const refs = new ReferenceChecker();
    valid.forEach((row, i) => refs.add('ties', row, ['body', i]));
    ms.referenceBookkeeping += performance.now() - t;

    t = performance.now();
    const missing = await refs.problems(repo);
    ms.referenceQuery += performance.now() - t;
    if (missing.length > 0) throw new Error('unknown references in a generated batch');

    t = performance.now();
    await repo.write('ties', valid);
    ms.writeTransaction += performance.now() - t;
    rows += valid.length;
  }
  const total = Object.values(ms).reduce((a, b) => a + b, 0);
  const rounded: Record<string, number> = {};
  const share: Record<string, number> = {};
  for (const [k, v] of Object.entries(ms)) {
    rounded[k] = Math.round(v);
    share[k] = Math.round((v / total) * 1000) / 10;
  }
  return { batches: bodies.length, rows, ms: rounded, share, rowsPerSecondWithoutHttp: perSecond(rows, total) };
}

// ---------------------------------------------------------------------------------------------
// Main

interface ApiRun {
  round: number;
  concurrency: number;
  customers: HttpStats;
  ties: HttpStats;
  load1: { before: number; after: number };
  fingerprint: Fingerprint;
}

async function clearAll(db: GraphDatabase): Promise<number> {
  const t0 = performance.now();
  await db.autoCommit(CLEAR_TIES);
  await db.autoCommit(CLEAR_CUSTOMERS);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const wall0 = performance.now();
  const commitAtStart = sh('git rev-parse --short HEAD'); // the code this process loaded
  const machineBefore = machine();
  log(`${CUSTOMERS} customers, seed ${SEED}, batch ${BATCH}, concurrency ${CONCURRENCY.join(',')}; load ${load1()}`);

  let t0 = performance.now();
  const ds = generateDataset({ customers: CUSTOMERS, seed: SEED });
  const m = material(ds);
  const bodies = serialise(m);
  const generateMs = performance.now() - t0;
  log(`generated ${m.customers.length} customers, ${m.ties.length} ties in ${sec(generateMs)} s`);

  const warm = material(generateDataset({ customers: Math.min(5000, Math.max(500, Math.floor(CUSTOMERS / 20))), seed: SEED + 1000 }));
  const warmBodies = serialise(warm);

  const home = mkdtempSync(path.join(tmpdir(), 'ig-ingest-bench-'));
  const importDir = path.join(home, 'import');
  mkdirSync(importDir, { recursive: true });
  let neo4j: EmbeddedNeo4j | undefined;
  let db: GraphDatabase | undefined;
  let app: FastifyInstance | undefined;
  const jvmPeak = { mb: 0 };
  let sampler: NodeJS.Timeout | undefined;
  try {
    t0 = performance.now();
    neo4j = await startEmbeddedNeo4j({ home, port: 0, password: PASSWORD, heap: HEAP, pagecache: PAGECACHE });
    const neo4jStartMs = performance.now() - t0;
    const pid = neo4j.pid;
    sampler = setInterval(() => (jvmPeak.mb = Math.max(jvmPeak.mb, jvmRss(pid).rssMb)), 1000);
    sampler.unref();
    log(`Neo4j up at ${neo4j.uri} in ${sec(neo4jStartMs)} s (home ${home})`);

    const config = loadConfig({
      NEO4J_URI: neo4j.uri,
      NEO4J_PASSWORD: PASSWORD,
      LOG_LEVEL: 'silent',
      DEMO_DATA: 'false',
      DATA_DIR: path.join(home, 'service'),
      API_KEYS: `bench:write:${hashApiKey(API_KEY)}`,
    });
    db = new GraphDatabase({ uri: neo4j.uri, user: config.NEO4J_USER, password: PASSWORD });
    await applySchema(db);
    app = await buildApp(config, { db, apiKeys: new ApiKeyRegistry(config.API_KEYS ?? []), logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const baseUrl = `http://127.0.0.1:${port}`;
    log(`service listening on ${baseUrl}`);

    // Warm-up: both paths on a small, different dataset, then an empty database again.
    t0 = performance.now();
    await postAll(baseUrl, 'customers', warmBodies.customers, warmBodies.customerRows, 1);
    await postAll(baseUrl, 'ties', warmBodies.ties, warmBodies.tieRows, 1);
    await clearAll(db);
    await loadCsvPath(db, importDir, warm);
    await clearAll(db);
    log(`warm-up (${warm.customers.length} customers, ${warm.ties.length} ties, both paths) in ${sec(performance.now() - t0)} s`);

    // Store warm-up: the first load into fresh store files is slower than any later one (files grow;
    // later loads reuse the records freed by the deletes), so every measured path runs after one
    // untimed full load and delete.
    t0 = performance.now();
    await loadCsvPath(db, importDir, m);
    await clearAll(db);
    const prefillMs = performance.now() - t0;
    log(`store warm-up (full load by LOAD CSV, then deleted) in ${sec(prefillMs)} s`);

    // Rounds: API (each concurrency) and LOAD CSV, the order alternating between rounds.
    const apiRuns: ApiRun[] = [];
    const csvRuns: CsvRun[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? (['api', 'csv'] as const) : (['csv', 'api'] as const);
      for (const pathName of order) {
        if (pathName === 'api') {
          for (const c of CONCURRENCY) {
            const before = load1();
            const customers = await postAll(baseUrl, 'customers', bodies.customers, bodies.customerRows, c);
            log(`round ${round} api c=${c}: customers ${customers.rows} in ${sec(customers.ms)} s = ${customers.rowsPerSecond}/s`);
            const ties = await postAll(baseUrl, 'ties', bodies.ties, bodies.tieRows, c);
            log(`round ${round} api c=${c}: ties ${ties.rows} in ${sec(ties.ms)} s = ${ties.rowsPerSecond}/s (retries ${ties.retries}, p50 ${ties.latencyMs.p50} ms)`);
            const after = load1();
            const fp = await fingerprint(db);
            apiRuns.push({ round, concurrency: c, customers, ties, load1: { before, after }, fingerprint: fp });
            await clearAll(db);
          }
        } else {
          const before = load1();
          const csv = await loadCsvPath(db, importDir, m);
          const after = load1();
          log(`round ${round} csv: customers ${csv.customers.rows} in ${sec(csv.customers.ms)} s = ${csv.customers.rowsPerSecond}/s`);
          log(`round ${round} csv: ties ${csv.ties.rows} in ${sec(csv.ties.ms)} s = ${csv.ties.rowsPerSecond}/s`);
          csvRuns.push({ ...csv, round, load1: { before, after }, fingerprint: await fingerprint(db) });
          if (round < ROUNDS || PARTS) await clearAll(db);
        }
      }
    }

    // Initial load: the same rows as NDJSON files, bulk importer into a fresh home.
    let initial: InitialRun | undefined;
    if (INITIAL_LOAD) {
      const inputDir = path.join(home, 'initial-load-input');
      mkdirSync(inputDir, { recursive: true });
      writeFileSync(path.join(inputDir, 'customers.ndjson'), m.customers.map((r) => JSON.stringify(r)).join('\n') + '\n');
      writeFileSync(path.join(inputDir, 'ties.ndjson'), m.ties.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const initialHome = path.join(home, 'initial-load-home');
      const before = load1();
      let fp: Fingerprint = {};
      const result = await initialLoad({
        inputDir,
        home: initialHome,
        password: PASSWORD,
        heap: HEAP,
        pagecache: PAGECACHE,
        log: (line) => log(`initial load: ${line}`),
        afterSchema: async (loaded) => {
          fp = await fingerprint(loaded);
        },
      });
      const rows = m.customers.length + m.ties.length;
      initial = { ...result, load1: { before, after: load1() }, rowsPerSecond: perSecond(rows, result.seconds.total * 1000), fingerprint: fp };
      log(`initial load: ${rows} rows in ${result.seconds.total} s (${JSON.stringify(result.seconds)})`);
      rmSync(initialHome, { recursive: true, force: true });
      rmSync(inputDir, { recursive: true, force: true });
    }

    // Same graph on every path?
    const reference = apiRuns[0]?.fingerprint ?? csvRuns[0].fingerprint;
    const mismatches: string[] = [];
    const compare = (name: string, fp: Fingerprint) => {
      for (const key of Object.keys(reference)) if (fp[key] !== reference[key]) mismatches.push(`${name}.${key}: ${fp[key]} ≠ ${reference[key]}`);
    };
    apiRuns.forEach((r) => compare(`api-r${r.round}-c${r.concurrency}`, r.fingerprint));
    csvRuns.forEach((r) => compare(`csv-r${r.round}`, r.fingerprint));
    if (initial) compare('initial-load', initial.fingerprint);
    log(mismatches.length === 0 ? `all paths wrote the same graph: ${JSON.stringify(reference)}` : `MISMATCH: ${mismatches.join('; ')}`);

    // Where the API path spends its time (ties, sequential, no HTTP).
    let parts: (PartsStats & { load1: { before: number; after: number } }) | undefined;
    if (PARTS) {
      await clearAll(db);
      const customersAgain = await postAll(baseUrl, 'customers', bodies.customers, bodies.customerRows, 1);
      log(`customers reloaded (${customersAgain.rows}); timing the stages of a bulk request`);
      const partsBefore = load1();
      const measured = await timeParts(db, config, bodies.ties);
      parts = { ...measured, load1: { before: partsBefore, after: load1() } };
      log(`stages: ${JSON.stringify(measured.ms)} → ${measured.rowsPerSecondWithoutHttp}/s without HTTP`);
    }

    const report = {
      bench: 'ingest',
      command: `npx tsx bench/ingest/run.ts ${process.argv.slice(2).join(' ')}`,
      startedAt: startedAt.toISOString(),
      wallSeconds: sec(performance.now() - wall0),
      machine: { before: machineBefore, after: machine() },
      code: { commit: commitAtStart, optimisticTieWrite: 'UnresolvedReferences' in ingestService },
      settings: { customers: CUSTOMERS, seed: SEED, batch: BATCH, rounds: ROUNDS, storeWarmUp: true, heap: HEAP, pagecache: PAGECACHE, bulkMaxRows: config.BULK_MAX_ROWS },
      dataset: { customers: m.customers.length, ties: m.ties.length, follows: reference.follows, knows: reference.knows, generateSeconds: sec(generateMs) },
      neo4jStartSeconds: sec(neo4jStartMs),
      api: apiRuns,
      csv: csvRuns,
      initial,
      parts,
      jvmPeakRssMb: Math.max(jvmPeak.mb, jvmRss(pid).hwmMb),
      nodePeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      sameGraph: mismatches.length === 0,
      mismatches,
    };
    writeReport(report);
  } finally {
    if (sampler) clearInterval(sampler);
    await app?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await neo4j?.stop().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
}

type CsvRun = CsvStats & { round: number; load1: { before: number; after: number }; fingerprint: Fingerprint };
type InitialRun = InitialLoadResult & { load1: { before: number; after: number }; rowsPerSecond: number; fingerprint: Fingerprint };

type Report = {
  bench: string;
  command: string;
  startedAt: string;
  wallSeconds: number;
  machine: { before: ReturnType<typeof machine>; after: ReturnType<typeof machine> };
  code?: { commit: string; optimisticTieWrite: boolean };
  settings: Record<string, unknown>;
  dataset: { customers: number; ties: number; follows: number; knows: number; generateSeconds: number };
  neo4jStartSeconds: number;
  api: ApiRun[];
  csv: CsvRun[];
  initial?: InitialRun;
  parts?: PartsStats & { load1: { before: number; after: number } };
  jvmPeakRssMb: number;
  nodePeakRssMb: number;
  sameGraph: boolean;
  mismatches: string[];
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);

function writeReport(r: Report): void {
  mkdirSync(OUT_DIR, { recursive: true });
  const date = r.startedAt.slice(0, 10);
  const base = fromJson ? fromJson.replace(/\.json$/, '') : path.join(OUT_DIR, `ingest-${date}`);
  writeFileSync(`${base}.json`, JSON.stringify(r, null, 2) + '\n');

  const rows: string[] = [];
  const rounds = [...new Set([...r.api.map((a) => a.round), ...r.csv.map((c) => c.round)])].sort((a, b) => a - b);
  for (const round of rounds) {
    const ordered: string[] = [];
    for (const a of r.api.filter((x) => x.round === round)) {
      const load = `${a.load1.before} → ${a.load1.after}`;
      ordered.push(`| ${round} | API bulk, ${a.concurrency} in flight | customers | ${a.customers.rows} | ${sec(a.customers.ms)} | ${a.customers.rowsPerSecond} | p50 ${a.customers.latencyMs.p50} ms, max ${a.customers.latencyMs.max} ms per request | ${load} |`);
      ordered.push(`| ${round} | API bulk, ${a.concurrency} in flight | ties | ${a.ties.rows} | ${sec(a.ties.ms)} | ${a.ties.rowsPerSecond} | p50 ${a.ties.latencyMs.p50} ms, max ${a.ties.latencyMs.max} ms per request, ${a.ties.retries} retries | ${load} |`);
    }
    const csvRows: string[] = [];
    for (const c of r.csv.filter((x) => x.round === round)) {
      const load = `${c.load1.before} → ${c.load1.after}`;
      csvRows.push(`| ${round} | LOAD CSV | customers | ${c.customers.rows} | ${sec(c.customers.ms)} | ${c.customers.rowsPerSecond} | CSV written in ${sec(c.customers.writeCsvMs)} s (not counted) | ${load} |`);
      csvRows.push(`| ${round} | LOAD CSV | ties | ${c.ties.rows} | ${sec(c.ties.ms)} | ${c.ties.rowsPerSecond} | FOLLOWS ${sec(c.ties.followsMs)} s + KNOWS ${sec(c.ties.knowsMs)} s | ${load} |`);
    }
    rows.push(...(round % 2 === 1 ? [...ordered, ...csvRows] : [...csvRows, ...ordered]));
  }

  const concurrencies = [...new Set(r.api.map((a) => a.concurrency))];
  const csvTies = median(r.csv.map((c) => c.ties.rowsPerSecond));
  const summary = concurrencies.map((c) => {
    const api = median(r.api.filter((a) => a.concurrency === c).map((a) => a.ties.rowsPerSecond));
    const perRound = rounds
      .map((round) => {
        const a = r.api.find((x) => x.round === round && x.concurrency === c);
        const b = r.csv.find((x) => x.round === round);
        return a && b ? `round ${round}: ${ratio(a.ties.rowsPerSecond, b.ties.rowsPerSecond)}` : '';
      })
      .filter(Boolean)
      .join(', ');
    return { c, api, ratio: ratio(api, csvTies), perRound };
  });
  const best = summary.reduce((a, b) => (b.ratio > a.ratio ? b : a), summary[0]);
  const summaryRows = summary.map((x) => `| API bulk, ${x.c} in flight | ${Math.round(x.api)} | ${Math.round(csvTies)} | **${x.ratio}** | ${x.perRound} |`);

  const i = r.initial;
  const initialSection = i
    ? `## Initial load (bulk importer) of the same rows

\`scripts/initial-load.ts\` on NDJSON files of the same ${r.dataset.customers} customers and ${r.dataset.ties} ties, into a fresh home:
validation of every row and the importer's files ${i.seconds.convert} s, \`neo4j-admin database import full\` ${i.seconds.import} s,
start + schema (constraints, indexes) ${i.seconds.schema} s: **${i.seconds.total} s in all = ${i.rowsPerSecond} rows/s** (customers and ties together),
against the API's best ${Math.round(Math.max(...r.api.map((a) => (a.customers.rows + a.ties.rows) / ((a.customers.ms + a.ties.ms) / 1000))))} rows/s and LOAD CSV's best
${Math.round(Math.max(...r.csv.map((c) => (c.customers.rows + c.ties.rows) / ((c.customers.ms + c.ties.ms) / 1000))))} rows/s for the same rows. Load ${i.load1.before} → ${i.load1.after}.
Importer summary: ${i.summary.replace(/\s+/g, ' ')}
`
    : '';

  const parts = r.parts;
  const partsSection = parts
    ? `## Where a ties bulk request spends its time

The same ${parts.rows} ties once more, batch by batch, each stage of \`POST /v1/ties/bulk\` called on its own
(no HTTP): ${parts.rowsPerSecondWithoutHttp} ties/s with every stage. Load ${parts.load1.before} → ${parts.load1.after}.
\`referenceQuery\` is the \`existingIds\` lookup of every referenced customer, timed although the service runs it only when a write finds an end missing.

| stage | seconds | share |
|---|---:|---:|
${Object.entries(parts.ms).map(([k, v]) => `| ${k} | ${sec(v)} | ${parts.share[k]} % |`).join('\n')}
`
    : '';

  const md = `# Ingest bench — ${date}

Target: the REST bulk API at least as fast as \`LOAD CSV\` on the same ties, in the same run. Median API ties/s ÷
median LOAD CSV ties/s over ${rounds.length} round(s): **${best?.ratio ?? 0}** with ${best?.c ?? '?'} request(s) in flight (${(best?.ratio ?? 0) >= 1 ? 'met' : 'not met'}).
Same graph on every path: **${r.sameGraph ? 'yes' : 'NO — ' + r.mismatches.join('; ')}**.

Command: \`${r.command}\`

Dataset: ${r.dataset.customers} customers, ${r.dataset.ties} ties (${r.dataset.follows} FOLLOWS, ${r.dataset.knows} KNOWS), seed ${r.settings.seed},
batches of ${r.settings.batch} rows. Neo4j 5.26 embedded (heap ${r.settings.heap}, page cache ${r.settings.pagecache}), temporary home,
service in the bench process on 127.0.0.1. Wall time of the whole bench: ${r.wallSeconds} s; JVM peak RSS ${r.jvmPeakRssMb} MB,
bench process (service + client) peak RSS ${r.nodePeakRssMb} MB.

| path | API ties/s (median) | LOAD CSV ties/s (median) | ratio | per round |
|---|---:|---:|---:|---|
${summaryRows.join('\n')}

| round | path | kind | rows | seconds | rows/s | notes | load (1 min) before → after |
|---|---|---|---:|---:|---:|---|---:|
${rows.join('\n')}

Each path starts from an empty database (customers and ties deleted in between) after a warm-up of
both paths on a small, different dataset and one untimed full load (LOAD CSV) and delete, so that no
measured path pays for growing fresh store files. Odd rounds run the API first, even rounds LOAD CSV
first, so a drifting machine load favours neither. Request bodies are serialised before the clock starts.
Both paths run the same statement per tie: two unique-index seeks and \`MERGE (a)-[t:TYPE]->(b)\` then
\`SET\` of since and weight, 10,000 rows per transaction (\`CALL { … } IN TRANSACTIONS OF 10000 ROWS\` for LOAD CSV).

${initialSection}
${partsSection}
## Machine

- nproc ${r.machine.before.nproc}; ${r.machine.before.cpu}
- memory (free -g): ${r.machine.before.memory}
- before: ${r.machine.before.uptime}
- after: ${r.machine.after.uptime}
- ${r.machine.before.node}; ${r.machine.before.java}
`;
  writeFileSync(`${base}.md`, md);
  log(`wrote ${base}.md and .json`);
}

const fromJson = argValue('from-json');
(fromJson ? Promise.resolve(writeReport(JSON.parse(readFileSync(fromJson, 'utf8')) as Report)) : main()).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
