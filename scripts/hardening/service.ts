/**
 * The service under test, started the way a user starts it (`src/main.ts` through tsx) in a child
 * process with its own data directory, ports and API keys; its embedded Neo4j is a child of it.
 * Also: HTTP calls with the known keys, the database's node/relationship counts by label and type,
 * and the process ids the fault checks kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLOCATOR_ENV } from '../../src/allocator.js';
import { hashApiKey } from '../../src/domain/api-keys.js';
import { GraphDatabase } from '../../src/graph/database.js';
import { freePort } from '../../src/neo4j/embedded.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export const KEYS = {
  read: 'hardening-read-key-0123456789',
  write: 'hardening-write-key-0123456789',
  admin: 'hardening-admin-key-0123456789',
} as const;
export type KeyScope = keyof typeof KEYS;

const PASSWORD = 'hardening-password';

export interface HttpResult {
  status: number;
  type: string;
  text: string;
  json: unknown;
  ms: number;
}

export interface Counts {
  labels: Record<string, number>;
  types: Record<string, number>;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Service {
  readonly dataDir: string;
  readonly customers: number;
  port = 0;
  boltPort = 0;
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private log?: WriteStream;
  private db?: GraphDatabase;

  constructor(dataDir: string, customers: number) {
    this.dataDir = dataDir;
    this.customers = customers;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get logFile(): string {
    return path.join(this.dataDir, 'service.log');
  }

  /** Starts `src/main.ts` and resolves once it listens (demo data loaded on the first start). */
  async start(timeoutMs = 600_000): Promise<void> {
    if (!this.port) this.port = await freePort();
    if (!this.boltPort) this.boltPort = await freePort();
    this.log ??= createWriteStream(this.logFile, { flags: 'a' });
    const env = {
      ...process.env,
      // As `npm start` sets it (src/allocator.ts).
      ...ALLOCATOR_ENV,
      HOST: '127.0.0.1',
      PORT: String(this.port),
      NEO4J_BOLT_PORT: String(this.boltPort),
      NEO4J_PASSWORD: PASSWORD,
      NEO4J_HEAP: process.env.HARDENING_NEO4J_HEAP ?? '1g',
      NEO4J_PAGECACHE: '256m',
      DATA_DIR: this.dataDir,
      DEMO_DATA: 'true',
      DEMO_CUSTOMERS: String(this.customers),
      LOG_LEVEL: 'warn',
      API_KEYS: (Object.keys(KEYS) as KeyScope[]).map((scope) => `hardening-${scope}:${scope}:${hashApiKey(KEYS[scope])}`).join(','),
    };
    delete (env as Record<string, string | undefined>).NEO4J_URI;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.log.write(`\n==== start pid ${child.pid} at ${new Date().toISOString()}\n`);
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + timeoutMs;
    let gone = false;
    void this.exited.then(() => (gone = true));
    while (Date.now() < deadline) {
      if (gone) throw new Error(`the service exited during its start; see ${this.logFile}`);
      const health = await this.call('GET', '/health').catch(() => undefined);
      if (health?.status === 200) return;
      await sleep(500);
    }
    throw new Error(`the service did not listen within ${timeoutMs / 1000} s; see ${this.logFile}`);
  }

  /** SIGKILLs the service and waits until its embedded Neo4j has gone too (it watches its parent). */
  async kill(): Promise<void> {
    const jvm = this.neo4jPid();
    this.child?.kill('SIGKILL');
    await this.exited;
    await this.closeDb();
    const deadline = Date.now() + 60_000;
    while (jvm && alive(jvm) && Date.now() < deadline) await sleep(200);
    if (jvm && alive(jvm)) process.kill(jvm, 'SIGKILL');
    while (jvm && alive(jvm)) await sleep(200);
  }

  /** Stops the service as Ctrl-C does. */
  async stop(): Promise<void> {
    await this.closeDb();
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const jvm = this.neo4jPid();
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), 60_000);
    await this.exited;
    clearTimeout(timer);
    while (jvm && alive(jvm)) await sleep(200);
    this.log?.end();
    this.log = undefined;
  }

  /** The embedded Neo4j: the java child of the service running the launcher class. */
  neo4jPid(): number | undefined {
    const parent = this.child?.pid;
    if (!parent) return undefined;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid !== parent) continue;
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (cmdline.includes('java') && cmdline.includes('launcher.Launcher')) return Number(entry);
      } catch {
        // the process went away while we looked
      }
    }
    return undefined;
  }

  async call(method: string, url: string, options: { key?: KeyScope | string | null; body?: unknown; raw?: string; type?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = {};
    if (options.key) headers.authorization = `Bearer ${options.key in KEYS ? KEYS[options.key as KeyScope] : options.key}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.type ?? 'application/x-ndjson';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const started = performance.now();
    const res = await fetch(`${this.base}${url}`, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, json, ms: performance.now() - started };
  }

  /** A call that, like a well-behaved client, retries a 503 (under pressure, database restarting) for up to two minutes. */
  async callRetrying(method: string, url: string, options: Parameters<Service['call']>[2] = {}): Promise<HttpResult> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await this.call(method, url, options);
      if (res.status !== 503 || Date.now() > deadline) return res;
      await sleep(2000);
    }
  }

  /** Waits for an analytics run to end; resolves with its final view. */
  async waitRun(id: string, timeoutMs = 600_000): Promise<{ status: string; message?: string }> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const res = await this.call('GET', `/v1/analytics/runs/${id}`, { key: 'read' });
      const run = res.json as { status: string; message?: string } | undefined;
      if (run && !['queued', 'running', 'pending'].includes(run.status)) return run;
      await sleep(500);
    }
    throw new Error(`run ${id} did not end within ${timeoutMs / 1000} s`);
  }

  /** The newest completed run, waiting for one to exist (the demo data's first run). */
  async completedRun(timeoutMs = 600_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const res = await this.call('GET', '/v1/analytics/runs', { key: 'read' });
      const items = (res.json as { items?: { id: string; status: string }[] } | undefined)?.items ?? [];
      const running = items.find((r) => r.status === 'running' || r.status === 'queued');
      const done = items.find((r) => r.status === 'completed');
      if (done && !running) return done.id;
      if (!done && !running && items.length > 0) throw new Error(`no analytics run completed: ${items.map((r) => r.status).join(', ')}`);
      await sleep(1000);
    }
    throw new Error(`no analytics run completed within ${timeoutMs / 1000} s`);
  }

  /** A driver on the service's embedded database (the same one the service uses). */
  database(): GraphDatabase {
    this.db ??= new GraphDatabase({ uri: `bolt://127.0.0.1:${this.boltPort}`, user: 'neo4j', password: PASSWORD });
    return this.db;
  }

  async closeDb(): Promise<void> {
    await this.db?.close().catch(() => undefined);
    this.db = undefined;
  }

  /** Nodes by label and relationships by type. */
  async counts(): Promise<Counts> {
    const db = this.database();
    const labels: Record<string, number> = {};
    const types: Record<string, number> = {};
    const l = await db.autoCommit('MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n');
    for (const r of l.records) labels[r.get('label') as string] = Number(r.get('n'));
    const t = await db.autoCommit('MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n');
    for (const r of t.records) types[r.get('type') as string] = Number(r.get('n'));
    return { labels, types };
  }
}

export function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** What differs between two counts, as readable lines (empty when equal). */
export function countDiff(before: Counts, after: Counts): string[] {
  const lines: string[] = [];
  for (const [kind, a, b] of [
    ['label', before.labels, after.labels],
    ['type', before.types, after.types],
  ] as const) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if ((a[key] ?? 0) !== (b[key] ?? 0)) lines.push(`${kind} ${key}: ${a[key] ?? 0} → ${b[key] ?? 0}`);
    }
  }
  return lines;
}
