/**
 * Publication bench: one analytics run on a copy of a ready base, with the Neo4j heap and page
 * cache `npm start` gives it by default (NEO4J_HEAP, NEO4J_PAGECACHE of src/config.ts), measuring
 * what the publication costs the database.
 *
 *   npx tsx bench/analytics/publication.ts --label after [--base /work/data/base-100k]
 *       [--copy /tmp/publication-100k] [--heap 512m] [--threads 1|2] [--warm-up-runs N] [--no-projection-warm-up]
 *       [--out-dir bench/results] [--report] [--system-allocator] [--note TEXT]
 *
 * It copies --base (a store built by bench/base-store.ts) to --copy, starts the embedded Neo4j on
 * the copy (--heap overrides the default heap, to see what the publication needs; --threads the
 * scoring's ANALYTICS_THREADS), runs `recover()` and the projection warm-up as the service does at
 * start (the warm-up awaited; --no-projection-warm-up skips it), then (after --warm-up-runs
 * unmeasured runs, default 0: the measured run is then not the first since Neo4j
 * started) one analytics run with the default
 * parameters, and records: every phase's ms (publish included), the Neo4j JVM's RSS (from /proc,
 * every 100 ms) and its heap in use (`jstat -gc`, every 250 ms: eden + survivors + old), each as a
 * peak over the publish phase and over the whole run, plus the process high-water mark; and, when
 * the repository reports publication stages (bounded publication), the time of each stage. The
 * run is composed as the service composes it: the projection is read in a worker thread, and the
 * read model (SnapshotService) adopts the run as soon as it is current: `visibleMs` is start →
 * results visible through the API; the wall time also covers the customers' property refresh. The
 * copy is deleted at the end. Writes publication-<date>-<label>.json into --out-dir; --report
 * writes publication-<date>.md from every such JSON there. Run it from a worktree of another
 * commit (with this file copied in) to measure that commit's publication. Not a test: no assertion
 * on time. It also records the disk the store takes before and after the run, and every stall of
 * the event loop over 50 ms with the phase running then. It runs with the allocator setting `npm
 * start` gives the service (bench/service-process.ts; --system-allocator measures without it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config.js';
import { AnalyticsRunService } from '../../src/domain/analytics-run.service.js';
import { Neo4jAnalyticsRunRepository } from '../../src/graph/analytics-run.repository.js';
import { GraphDatabase } from '../../src/graph/database.js';
import { SnapshotService } from '../../src/domain/snapshot.service.js';
import { WorkerProjectionSource } from '../../src/graph/projection-worker.runner.js';
import { WorkerSnapshotRepository } from '../../src/graph/details-worker.runner.js';
import { startEmbeddedNeo4j } from '../../src/neo4j/embedded.js';
import { prepareWorkerBundles } from '../../src/domain/worker-entry.js';
import { allocatorSettings, runWithServiceAllocator } from '../service-process.js';

const argValue = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
};
/** The date in the result files' names (--report gathers one date's results); today unless --date says. */
const DATE = argValue('date') ?? new Date().toISOString().slice(0, 10);
const outDir = path.resolve(argValue('out-dir') ?? 'bench/results');
const log = (m: string) => console.log(`[publication ${new Date().toISOString().slice(11, 19)}] ${m}`);

interface Result {
  label: string;
  commit: string;
  base: string;
  customers: number;
  heap: string;
  pagecache: string;
  /** The allocator settings the bench (the service's code) ran with (bench/service-process.ts); absent before 2026-12-01 evening. */
  allocator?: Record<string, string | null>;
  /** What the run measured besides its commit (--note), e.g. a change not committed. */
  note?: string;
  /** Unmeasured runs before the measured one since Neo4j started (absent: 0). */
  warmUpRuns?: number;
  /**
   * The service's projection warm-up after its start (AnalyticsRunService.warmUp, as `npm start`
   * does; awaited before the run): its ms, or enabled false with --no-projection-warm-up. Absent in
   * results from before the warm-up.
   */
  projectionWarmUp?: { enabled: boolean; ms?: number | null };
  /** Threads the scoring kept busy (ANALYTICS_THREADS; absent in results from before the setting: 1). */
  threads?: number;
  load1: { before: number; after: number };
  runStatus: string;
  runMessage?: string;
  phasesMs: Record<string, number>;
  runWallMs: number;
  /** Start → the API's read model has adopted the run (the customers' property refresh for the Cypher library may still be going on). */
  visibleMs?: number;
  publish: { ms: number; jvmPeakRssMb: number; jvmPeakHeapMb: number };
  run: { jvmPeakRssMb: number; jvmPeakHeapMb: number; jvmHwmMb: number; jvmRssBeforeMb: number; servicePeakRssMb?: number; serviceHwmMb?: number; mainThreadPeakHeapMb?: number; servicePeakRssByPhaseMb?: Record<string, number> };
  stagesMs?: Record<string, number>;
  /**
   * The service's memory every 100 ms from the run's start: [ms, phase running, RSS MB (the process,
   * worker threads included), the main thread's JavaScript heap in use MB, external memory MB
   * (typed arrays)]. Absent in results from before it was recorded.
   */
  serviceMemoryTimeline?: [number, string, number, number, number][];
  /** Event-loop stalls over 50 ms during the run, with the phase running then (after the analytics run service's own report). */
  eventLoopStalls?: { atMs: number; ms: number; phase: string }[];
  /** `du -sm` of the store's home before Neo4j starts and after it stops (the run's results and transaction logs included), and of its transaction logs after. */
  diskMb?: { before: number; after: number; transactionLogsBefore?: number; transactionLogsAfter: number };
}

const duMb = (dir: string) => Number(execFileSync('du', ['-sm', dir], { encoding: 'utf8' }).split(/\s/)[0]);

function procRss(pid: number): { rssMb: number; hwmMb: number } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
    return { rssMb: Math.round(kb('VmRSS') / 1024), hwmMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { rssMb: 0, hwmMb: 0 };
  }
}

/** Streams `jstat -gc pid 250`; `used()` is the latest heap in use in MB. */
function watchHeap(pid: number) {
  let latest = 0;
  let header: string[] = [];
  const child = spawn('jstat', ['-gc', String(pid), '250'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let buffer = '';
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const cells = line.trim().split(/\s+/);
      if (cells[0] === 'S0C') header = cells;
      else if (header.length && cells.length === header.length) {
        const kb = ['S0U', 'S1U', 'EU', 'OU'].reduce((s, k) => s + Number(cells[header.indexOf(k)]), 0);
        latest = Math.round(kb / 1024);
      }
    }
  });
  return { used: () => latest, stop: () => child.kill() };
}

async function measure(label: string): Promise<Result> {
  const warmUpRuns = Number(argValue('warm-up-runs') ?? 0);
  const base = path.resolve(argValue('base') ?? '/work/data/base-100k');
  const copy = path.resolve(argValue('copy') ?? `/tmp/publication-100k-${label}`);
  const baseInfo = JSON.parse(readFileSync(path.join(base, 'base.json'), 'utf8')) as { customers: number };
  const defaults = loadConfig({ DEMO_DATA: 'false', LOG_LEVEL: 'silent', NEO4J_HEAP: argValue('heap') });
  rmSync(copy, { recursive: true, force: true });
  execFileSync('cp', ['-r', base, copy]);
  const diskBefore = duMb(copy);
  const logsDir = path.join(copy, 'data', 'transactions');
  const logsBefore = existsSync(logsDir) ? duMb(logsDir) : 0;
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  log(`${label} (${commit}): ${baseInfo.customers} customers, heap ${defaults.NEO4J_HEAP}, page cache ${defaults.NEO4J_PAGECACHE}`);
  const neo4j = await startEmbeddedNeo4j({ home: copy, port: 0, password: 'bench-password', heap: defaults.NEO4J_HEAP, pagecache: defaults.NEO4J_PAGECACHE });
  const db = new GraphDatabase({ uri: neo4j.uri, user: 'neo4j', password: 'bench-password' });
  const heap = watchHeap(neo4j.pid);
  let result: Result | undefined;
  try {
    const config = loadConfig({ NEO4J_URI: neo4j.uri, NEO4J_PASSWORD: 'bench-password', LOG_LEVEL: 'silent', DEMO_DATA: 'false', DATA_DIR: copy, ANALYTICS_THREADS: argValue('threads') });
    const t0 = performance.now();
    const stagesMs: Record<string, number> = {};
    const onStage = (stage: string) => {
      stagesMs[stage] = Math.round(performance.now() - t0);
    };
    // The fourth argument (publication stages) is ignored by a repository without it.
    const repository = new (Neo4jAnalyticsRunRepository as unknown as new (...args: unknown[]) => Neo4jAnalyticsRunRepository)(
      db,
      config.ANALYTICS_PUBLISH_BATCH,
      undefined,
      { onStage },
    );
    // As the service composes them: the projection read in a worker thread, and the API's read model
    // adopting the run once it is current.
    // As the service does at start: the worker threads' bundles are built before the run.
    await prepareWorkerBundles();
    const projections = new WorkerProjectionSource(db);
    const runs = new AnalyticsRunService(projections, repository, { keepRuns: config.ANALYTICS_KEEP_RUNS, leaseTtlMs: config.ANALYTICS_LEASE_TTL_MS, threads: config.ANALYTICS_THREADS });
    const snapshots = new SnapshotService(new WorkerSnapshotRepository(db), projections);
    /** When the read model had adopted the run, from the run's start: its results visible through the API. */
    let visibleAt: number | undefined;
    snapshots.followRuns(runs);
    // Called once the read model's adoption (registered first) has finished.
    runs.onCompleted(() => {
      visibleAt = performance.now();
    });
    await runs.recover();
    // As the service does after its start (main.ts), unless --no-projection-warm-up; the run starts once it is done.
    const projectionWarmUp = { enabled: !process.argv.includes('--no-projection-warm-up'), ms: undefined as number | null | undefined };
    if (projectionWarmUp.enabled) {
      projectionWarmUp.ms = await runs.warmUp();
      log(`${label}: projection warm-up ${projectionWarmUp.ms} ms`);
    }
    // --warm-up-runs N: N whole runs first, unmeasured, so that the measured one is not the first
    // after Neo4j started (a long-running database has its code compiled and its pages cached).
    for (let w = 0; w < warmUpRuns; w++) {
      const warmUp = await runs.start({});
      const ended = await runs.wait(warmUp.id);
      log(`${label}: warm-up run ${w + 1} ${ended.status}, projection ${ended.phases.find((p) => p.name === 'projection')?.ms} ms`);
    }
    const load1Before = loadavg()[0];
    const jvmRssBeforeMb = procRss(neo4j.pid).rssMb;
    const peaks = { rss: 0, heap: 0, pubRss: 0, pubHeap: 0, service: 0, mainHeap: 0 };
    /** The service's peak RSS during each phase (the phase running when sampled; 'completed' covers the read model's adoption). */
    const serviceByPhase: Record<string, number> = {};
    let publishing = false;
    // Event-loop stalls: a 5 ms timer; a tick later than 50 ms is recorded with the phase running then.
    let phaseNow = 'start';
    const stalls: { atMs: number; ms: number; phase: string }[] = [];
    let expected = performance.now() + 5;
    const stallTimer = setInterval(() => {
      const now = performance.now();
      if (now - expected > 50) stalls.push({ atMs: Math.round(now - t0), ms: Math.round(now - expected), phase: phaseNow });
      expected = now + 5;
    }, 5);
    const memoryTimeline: [number, string, number, number, number][] = [];
    const sampler = setInterval(() => {
      const u = process.memoryUsage();
      const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
      memoryTimeline.push([Math.round(performance.now() - t0), phaseNow, mb(u.rss), mb(u.heapUsed), mb(u.external)]);
      const rss = procRss(neo4j.pid).rssMb;
      const used = heap.used();
      peaks.rss = Math.max(peaks.rss, rss);
      // The service: this process, its scoring worker thread included.
      const usage = process.memoryUsage();
      peaks.service = Math.max(peaks.service, Math.round(usage.rss / 2 ** 20));
      serviceByPhase[phaseNow] = Math.max(serviceByPhase[phaseNow] ?? 0, Math.round(usage.rss / 2 ** 20));
      // The main thread's own JavaScript heap (the workers' heaps are in the RSS only).
      peaks.mainHeap = Math.max(peaks.mainHeap, Math.round(usage.heapUsed / 2 ** 20));
      peaks.heap = Math.max(peaks.heap, used);
      if (publishing) {
        peaks.pubRss = Math.max(peaks.pubRss, rss);
        peaks.pubHeap = Math.max(peaks.pubHeap, used);
      }
    }, 100);
    const started = performance.now();
    const run = await runs.start({}, {
      onProgress: (r) => {
        publishing = r.phases.some((p) => p.name === 'publish' && p.status === 'running');
        phaseNow = r.phases.find((p) => p.status === 'running')?.name ?? (r.status === 'running' ? 'between phases' : r.status);
      },
    });
    const done = await runs.wait(run.id);
    clearInterval(stallTimer);
    const runWallMs = Math.round(performance.now() - started);
    clearInterval(sampler);
    for (const k of Object.keys(stagesMs)) stagesMs[k] -= Math.round(started - t0);
    const phasesMs = Object.fromEntries(done.phases.map((p) => [p.name, p.ms ?? 0]));
    result = {
      label,
      commit,
      base,
      customers: baseInfo.customers,
      heap: defaults.NEO4J_HEAP,
      pagecache: defaults.NEO4J_PAGECACHE,
      allocator: allocatorSettings(),
      note: argValue('note'),
      threads: config.ANALYTICS_THREADS,
      warmUpRuns,
      projectionWarmUp,
      serviceMemoryTimeline: memoryTimeline,
      load1: { before: load1Before, after: loadavg()[0] },
      runStatus: done.status,
      runMessage: done.message,
      phasesMs,
      runWallMs,
      visibleMs: visibleAt === undefined ? undefined : Math.round(visibleAt - started),
      publish: { ms: phasesMs.publish ?? 0, jvmPeakRssMb: peaks.pubRss, jvmPeakHeapMb: peaks.pubHeap },
      run: { jvmPeakRssMb: peaks.rss, jvmPeakHeapMb: peaks.heap, jvmHwmMb: procRss(neo4j.pid).hwmMb, jvmRssBeforeMb, servicePeakRssMb: peaks.service, serviceHwmMb: procRss(process.pid).hwmMb, mainThreadPeakHeapMb: peaks.mainHeap, servicePeakRssByPhaseMb: serviceByPhase },
    };
    if (Object.keys(stagesMs).length > 0) result.stagesMs = stagesMs;
    result.eventLoopStalls = stalls;
    log(`${label}: ${done.status} ${done.message ?? ''}; publish ${result.publish.ms} ms, JVM peak RSS ${peaks.pubRss} MB / heap ${peaks.pubHeap} MB during it`);
    return result;
  } finally {
    heap.stop();
    await db.close();
    await neo4j.stop();
    if (result) {
      result.diskMb = { before: diskBefore, after: duMb(copy), transactionLogsBefore: logsBefore, transactionLogsAfter: existsSync(logsDir) ? duMb(logsDir) : 0 };
    }
    rmSync(copy, { recursive: true, force: true });
  }
}

/** '2g' → 2048, '512m' → 512. */
const megabytes = (size: string) => Number.parseFloat(size) * (/g$/i.test(size) ? 1024 : 1);

function report(): void {
  const results = readdirSync(outDir)
    .filter((f) => f.startsWith(`publication-${DATE}-`) && f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(outDir, f), 'utf8')) as Result)
    .sort((a, b) => megabytes(b.heap) - megabytes(a.heap) || Number(b.label.startsWith('before')) - Number(a.label.startsWith('before')));
  const lines = [
    `# Publication bench — ${DATE}`,
    '',
    `Machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, shared with other work (load average in the table).`,
    'Command (each label from a worktree of its commit, with this script copied in):',
    '`npx tsx bench/analytics/publication.ts --label <label>` then `--report`.',
    '',
    'One analytics run with default parameters on a copy of a stored base (bench/base-store.ts, seed 1; the 100k base holds one completed run already, the 1M base none),',
    'Neo4j started with the heap and page cache `npm start` uses by default. JVM RSS from /proc every 100 ms; heap in use from `jstat -gc` every 250 ms.',
    '',
    '| | ' + results.map((r) => `${r.label} (${r.commit})`).join(' | ') + ' |',
    '|---|' + results.map(() => '---|').join(''),
  ];
  const row = (name: string, f: (r: Result) => string | number) => lines.push(`| ${name} | ${results.map(f).join(' | ')} |`);
  row('customers', (r) => r.customers);
  row('note', (r) => r.note ?? '');
  row('allocator (MALLOC_MMAP_THRESHOLD_)', (r) => (r.allocator ? (r.allocator.MALLOC_MMAP_THRESHOLD_ ?? 'unset') : 'unset (before 2026-12-01 evening)'));
  row('Neo4j heap / page cache', (r) => `${r.heap} / ${r.pagecache}`);
  row('scoring threads (ANALYTICS_THREADS)', (r) => r.threads ?? 1);
  row('runs before the measured one since Neo4j started', (r) => r.warmUpRuns ?? 0);
  row('projection warm-up at start (AnalyticsRunService.warmUp)', (r) =>
    r.projectionWarmUp === undefined ? '— (none then)' : r.projectionWarmUp.enabled ? `${r.projectionWarmUp.ms ?? '—'} ms` : 'skipped',
  );
  row('run status', (r) => (r.runMessage ? `${r.runStatus}: ${r.runMessage}` : r.runStatus));
  row('publish phase', (r) => `${(r.publish.ms / 1000).toFixed(1)} s`);
  row('JVM peak heap in use, publish', (r) => `${r.publish.jvmPeakHeapMb} MB`);
  row('JVM peak RSS, publish', (r) => `${r.publish.jvmPeakRssMb} MB`);
  row('JVM peak heap in use, whole run', (r) => `${r.run.jvmPeakHeapMb} MB`);
  row('JVM peak RSS, whole run (high-water mark)', (r) => `${r.run.jvmPeakRssMb} MB (${r.run.jvmHwmMb} MB)`);
  row('JVM RSS before the run', (r) => `${r.run.jvmRssBeforeMb} MB`);
  row('service peak RSS, whole run (high-water mark)', (r) => (r.run.servicePeakRssMb ? `${r.run.servicePeakRssMb} MB (${r.run.serviceHwmMb} MB)` : '—'));
  row('service peak RSS by phase (MB)', (r) =>
    r.run.servicePeakRssByPhaseMb ? Object.entries(r.run.servicePeakRssByPhaseMb).map(([k, v]) => `${k} ${v}`).join(', ') : '—',
  );
  row('service main thread peak JS heap in use', (r) => (r.run.mainThreadPeakHeapMb ? `${r.run.mainThreadPeakHeapMb} MB` : '—'));
  row('start → results visible through the API (read model adopted)', (r) => (r.visibleMs === undefined ? '—' : `${(r.visibleMs / 1000).toFixed(1)} s`));
  row('whole run (wall: publication and property refresh done, read model adopted)', (r) => `${(r.runWallMs / 1000).toFixed(1)} s`);
  row('phases (ms)', (r) => Object.entries(r.phasesMs).map(([k, v]) => `${k} ${v}`).join(', '));
  row('publication stages (ms from the run start)', (r) => (r.stagesMs ? Object.entries(r.stagesMs).map(([k, v]) => `${k} ${v}`).join(', ') : '—'));
  row('store on disk before → after the run (of which transaction logs)', (r) =>
    r.diskMb ? `${r.diskMb.before} → ${r.diskMb.after} MB (${r.diskMb.transactionLogsBefore ?? '?'} → ${r.diskMb.transactionLogsAfter} MB)` : '—',
  );
  row('event-loop stalls over 50 ms (phase: ms …)', (r) =>
    r.eventLoopStalls ? r.eventLoopStalls.map((x) => `${x.phase}: ${x.ms}`).join(', ') || 'none' : '—',
  );
  row('load average (1 min) before → after', (r) => `${r.load1.before.toFixed(1)} → ${r.load1.after.toFixed(1)}`);
  writeFileSync(path.join(outDir, `publication-${DATE}.md`), lines.join('\n') + '\n');
  writeFileSync(path.join(outDir, `publication-${DATE}.json`), JSON.stringify(results, null, 2) + '\n');
  log(`wrote ${path.join(outDir, `publication-${DATE}.md`)}`);
}

if (process.argv.includes('--report')) report();
else {
  runWithServiceAllocator();
  const label = argValue('label') ?? 'after';
  const result = await measure(label);
  if (!existsSync(outDir)) throw new Error(`no folder ${outDir}`);
  writeFileSync(path.join(outDir, `publication-${DATE}-${label}.json`), JSON.stringify(result, null, 2) + '\n');
  process.exit(0);
}
