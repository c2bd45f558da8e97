/**
 * Analytics bench: a whole analytics run on generated data in a real Neo4j, and the same graph
 * through NetworkX and a tight typed-array PageRank, in one process run.
 *
 *   npx tsx bench/analytics/run-bench.ts --customers 10000,100000 [--seed 1] [--samples 64]
 *       [--repeat 5] [--skip-networkx] [--python-pagerank] [--out-dir bench/results]
 *
 * For each size:
 *   load      a fresh embedded Neo4j (ephemeral, heap 2g, page cache 1g); every kind of the generated
 *             dataset written in KIND_NAMES order through IngestService.ingestStream (10k rows a batch);
 *   run       services.runs.start({ betweenness: { samples: 64 } }) and wait: every phase's ms, the
 *             total, the service's peakRssMb, and the RSS of this process and of the Neo4j JVM sampled
 *             from /proc every 100 ms;
 *   export    the projection read again with Neo4jProjectionRepository (interactionWeight 0.5,
 *             half-life 180 days), merged into a CSR with buildCsr and written as an edge list;
 *             Neo4j is then stopped so the comparisons below have the machine to themselves;
 *   kernel    on that CSR, median of --repeat warm calls: a tight pull power iteration written here
 *             (weighted, uniform teleport and dangling, strict L1 < 1e-9 as the run) against the
 *             project's pagerank with the run's options; the project's pagerank with NetworkX's rule
 *             (L1 < n·1e-9); louvain (seed 42) and betweenness (64 sources, seed 42);
 *   networkx  bench/analytics/run-networkx.py on the same edge list (pagerank, louvain on the summed
 *             undirected view, betweenness k=64), its scores and modularity compared with ours.
 * Writes analytics-<date>.md and analytics-<date>.json into --out-dir (--from-json FILE rewrites the .md
 * beside a recorded .json without running anything). Not a test: no assertion on time.
 */
import { execFileSync, execSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { betweenness, buildCsr, louvain, pagerank, type CsrGraph } from '../../src/analytics/index.js';
import { buildServices } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { AnalyticsRun } from '../../src/domain/analytics-run.service.js';
import { KIND_NAMES } from '../../src/domain/model.js';
import { generateDataset } from '../../src/generator/generate.js';
import { GraphDatabase, type Tx } from '../../src/graph/database.js';
import { Neo4jProjectionRepository } from '../../src/graph/projection.repository.js';
import { applySchema } from '../../src/graph/schema.repository.js';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../../src/neo4j/embedded.js';

// ---------------------------------------------------------------------------------------------
// Arguments

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
function positiveInt(raw: string, name: string): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs positive integers, got ${raw}`);
  return v;
}

const SIZES = (argValue('customers') ?? '10000,100000').split(',').map((s) => positiveInt(s, 'customers'));
const SEED = positiveInt(argValue('seed') ?? '1', 'seed');
const SAMPLES = positiveInt(argValue('samples') ?? '64', 'samples');
const REPEAT = positiveInt(argValue('repeat') ?? '5', 'repeat');
const OUT_DIR = path.resolve(argValue('out-dir') ?? 'bench/results');
const SKIP_NETWORKX = flag('skip-networkx');
const PYTHON_PAGERANK = flag('python-pagerank');
const PYTHON = argValue('python') ?? 'python3';
const NX_SCRIPT = fileURLToPath(new URL('./run-networkx.py', import.meta.url));
const PASSWORD = 'bench-password';
const ALPHA = 0.85;
const TOL = 1e-9;
const ALGORITHM_SEED = 42;

// ---------------------------------------------------------------------------------------------
// Helpers

const log = (line: string) => console.log(`[analytics-bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r2 = (x: number) => Math.round(x * 100) / 100;
const load1 = () => r2(loadavg()[0]);

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
    python: sh(`${PYTHON} --version`),
    cpu: sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"),
  };
}

/** VmRSS and VmHWM (peak) of a process, in MB; 0 when it is gone. */
function procRss(pid: number): { rssMb: number; hwmMb: number } {
  let text = '';
  try {
    text = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return { rssMb: 0, hwmMb: 0 };
  }
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s*(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), hwmMb: Math.round(kb('VmHWM') / 1024) };
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat; 0 when it is gone. */
function procCpuSeconds(pid: number): number {
  try {
    const stat = execFileSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}

const nodeCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Median wall time of `repeat` calls (after one untimed warm-up call), and the last result. */
function median<T>(repeat: number, fn: () => T): { ms: number; all: number[]; value: T } {
  let value = fn();
  const all: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    value = fn();
    all.push(performance.now() - t0);
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { ms: sorted[Math.floor((sorted.length - 1) / 2)], all: all.map(r3), value };
}

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** The service's database, keeping the underlying cause of failed writes (the service shows only a safe message). */
class DiagnosedDatabase extends GraphDatabase {
  readonly errors: { at: string; error: string }[] = [];

  override async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await super.write(work);
    } catch (error) {
      const chain: string[] = [];
      for (let e: unknown = error; e instanceof Error && chain.length < 4; e = (e as { cause?: unknown }).cause) {
        chain.push(`${(e as { code?: string }).code ?? e.name}: ${e.message.slice(0, 300)}`);
      }
      this.errors.push({ at: new Date().toISOString(), error: chain.join(' <- ') });
      throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The yardstick: a tight weighted PageRank power iteration on a plain CSR, no options.

interface TightResult {
  scores: Float64Array;
  iterations: number;
}

/**
 * x'[v] = α Σ_{u→v} x[u]·w(u→v)/out(u) + (α·dangling + 1 − α)/n, from x = 1/n, until the L1 change
 * is below `threshold`. Pulls over the in-arrays; nothing else.
 */
function tightPagerank(g: CsrGraph, alpha: number, threshold: number, maxIter: number): TightResult {
  const { n, outOffsets, inOffsets, inSources } = g;
  const outW = g.outWeights;
  const inW = g.inWeights;
  const inv = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    let s = 0;
    if (outW) for (let p = outOffsets[u]; p < outOffsets[u + 1]; p++) s += outW[p];
    else s = outOffsets[u + 1] - outOffsets[u];
    inv[u] = s > 0 ? 1 / s : 0;
  }
  let x = new Float64Array(n).fill(1 / n);
  let y = new Float64Array(n);
  const c = new Float64Array(n);
  for (let it = 1; it <= maxIter; it++) {
    let dangling = 0;
    for (let u = 0; u < n; u++) {
      c[u] = x[u] * inv[u];
      if (inv[u] === 0) dangling += x[u];
    }
    const base = (alpha * dangling + 1 - alpha) / n;
    let err = 0;
    for (let v = 0; v < n; v++) {
      let s = 0;
      const end = inOffsets[v + 1];
      if (inW) for (let q = inOffsets[v]; q < end; q++) s += c[inSources[q]] * inW[q];
      else for (let q = inOffsets[v]; q < end; q++) s += c[inSources[q]];
      const xv = alpha * s + base;
      y[v] = xv;
      err += Math.abs(xv - x[v]);
    }
    const t = x;
    x = y;
    y = t;
    if (err < threshold) return { scores: x, iterations: it };
  }
  return { scores: x, iterations: maxIter };
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

// ---------------------------------------------------------------------------------------------
// One size

interface NetworkxOutput {
  networkx: string;
  python: string;
  nodes: number;
  arcs: number;
  readFileSeconds: number;
  steps: Record<string, { seconds: number; peakRssMb: number }>;
  pagerankMaxAbsDiff?: number;
  pagerankMaxRelDiff?: number;
  pagerankTop100Overlap?: number;
  pagerankStrictMaxAbsDiff?: number;
  pagerankPythonVsScipyMaxAbsDiff?: number;
  undirectedEdges?: number;
  louvainCommunities?: number;
  louvainModularity?: number;
  oursCommunities?: number;
  oursModularityByNetworkx?: number;
  betweennessSamples?: number;
  peakRssMb: number;
}

async function benchSize(customers: number) {
  const result: Record<string, unknown> = { customers, seed: SEED };
  const loadSamples: number[] = [load1()];
  const work = mkdtempSync(path.join(tmpdir(), `ig-analytics-bench-${customers}-`));
  let neo4j: EmbeddedNeo4j | undefined;
  let db: DiagnosedDatabase | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    // --- load
    let t0 = performance.now();
    let ds: ReturnType<typeof generateDataset> | undefined = generateDataset({ customers, seed: SEED });
    result.generateSeconds = r3((performance.now() - t0) / 1000);
    result.datasetCounts = ds.counts;

    t0 = performance.now();
    const home = path.join(work, 'neo4j');
    neo4j = await startEmbeddedNeo4j({ home, port: 0, password: PASSWORD, heap: '2g', pagecache: '1g' });
    result.neo4jStartSeconds = r3((performance.now() - t0) / 1000);
    const jvmPid = neo4j.pid;
    log(`${customers}: Neo4j up in ${result.neo4jStartSeconds} s`);

    const config = loadConfig({ NEO4J_URI: neo4j.uri, NEO4J_PASSWORD: PASSWORD, LOG_LEVEL: 'silent', DEMO_DATA: 'false', DATA_DIR: work });
    db = new DiagnosedDatabase({ uri: neo4j.uri, user: config.NEO4J_USER, password: PASSWORD });
    await applySchema(db);
    const services = buildServices(config, db);

    const loadTimes: Record<string, { rows: number; seconds: number; rowsPerSecond: number }> = {};
    const loadT0 = performance.now();
    for (const kind of KIND_NAMES) {
      const k0 = performance.now();
      const counts = await services.ingest.ingestStream(kind, ds.rows(kind), 10_000);
      const ms = performance.now() - k0;
      loadTimes[kind] = { rows: counts.received, seconds: r3(ms / 1000), rowsPerSecond: Math.round((counts.received / ms) * 1000) };
      log(`${customers}: loaded ${counts.received} ${kind} in ${r3(ms / 1000)} s`);
    }
    result.load = { seconds: r3((performance.now() - loadT0) / 1000), kinds: loadTimes };
    ds = undefined; // the generator's model is no longer needed; let it go before the run
    (globalThis as { gc?: () => void }).gc?.();
    loadSamples.push(load1());

    // --- run
    const peaks = { node: 0, jvm: 0 };
    const sample = () => {
      peaks.node = Math.max(peaks.node, Math.round(process.memoryUsage().rss / 2 ** 20));
      peaks.jvm = Math.max(peaks.jvm, procRss(jvmPid).rssMb);
    };
    const nodeRssBeforeRunMb = Math.round(process.memoryUsage().rss / 2 ** 20);
    const jvmRssBeforeRunMb = procRss(jvmPid).rssMb;
    sampler = setInterval(sample, 100);
    const runLoadBefore = load1();
    t0 = performance.now();
    let lastPhase = '';
    // CPU seconds of this process (the service) and of the Neo4j JVM per phase: who does the work.
    const cpuMarks: { phase: string; node: number; jvm: number; t: number }[] = [];
    const mark = (phase: string) => cpuMarks.push({ phase, node: nodeCpuSeconds(), jvm: procCpuSeconds(jvmPid), t: performance.now() });
    const started = await services.runs.start(
      { betweenness: { samples: SAMPLES } },
      {
        onProgress: (r) => {
          const running = r.phases.find((p) => p.status === 'running')?.name ?? '';
          if (running && running !== lastPhase) {
            log(`${customers}: run phase ${running}`);
            mark(running);
          }
          lastPhase = running || lastPhase;
        },
      },
    );
    const run: AnalyticsRun = await services.runs.wait(started.id);
    const runWallMs = performance.now() - t0;
    mark('end');
    const cpuByPhase: Record<string, { wallS: number; serviceCpuS: number; neo4jCpuS: number }> = {};
    for (let i = 0; i + 1 < cpuMarks.length; i++) {
      const a = cpuMarks[i];
      const b = cpuMarks[i + 1];
      cpuByPhase[a.phase] = { wallS: r2((b.t - a.t) / 1000), serviceCpuS: r2(b.node - a.node), neo4jCpuS: r2(b.jvm - a.jvm) };
    }
    clearInterval(sampler);
    sampler = undefined;
    sample();
    let failure: Record<string, unknown> | undefined;
    if (run.status !== 'completed') {
      // A failed run is a result too: record why, then go on with the comparisons on the same graph.
      failure = {
        status: run.status,
        phase: lastPhase,
        message: run.message,
        afterSeconds: r3(runWallMs / 1000),
        databaseErrors: db.errors.slice(-5),
        debugLog: sh(`grep -E 'ERROR|Exception|OutOfMemory|MemoryPool|terminated' ${path.join(home, 'logs', 'debug.log')} | tail -n 5`),
      };
      log(`${customers}: RUN ${run.status.toUpperCase()} in phase '${lastPhase}': ${JSON.stringify(failure)}`);
    }
    const phaseMs = Object.fromEntries(run.phases.map((p) => [p.name, p.ms ?? 0]));
    const totalMs = Date.parse(run.finishedAt ?? run.startedAt) - Date.parse(run.startedAt);
    result.run = {
      id: run.id,
      status: run.status,
      failure,
      cpuByPhase,
      finishedPhases: run.phases.filter((p) => p.status === 'done').length,
      phasesMs: phaseMs,
      phaseSumMs: Object.values(phaseMs).reduce((a, b) => a + b, 0),
      totalMs,
      wallMs: Math.round(runWallMs),
      peakRssMb: run.peakRssMb,
      sampledPeakRssMb: peaks.node,
      nodeRssBeforeRunMb,
      jvmRssBeforeRunMb,
      jvmSampledPeakRssMb: peaks.jvm,
      jvmHwmMb: procRss(jvmPid).hwmMb,
      summary: run.summary,
      load1: { before: runLoadBefore, after: load1() },
    };
    log(`${customers}: run ${r3(runWallMs / 1000)} s, phases ${JSON.stringify(phaseMs)}, peak RSS ${run.peakRssMb} MB (sampled ${peaks.node}), JVM ${peaks.jvm} MB`);

    // --- export the projected graph, then stop Neo4j
    t0 = performance.now();
    const cpu0 = { node: nodeCpuSeconds(), jvm: procCpuSeconds(jvmPid) };
    const projection = await new Neo4jProjectionRepository(db).project({ interactionWeight: 0.5, halfLifeDays: 180 });
    const projectMs = performance.now() - t0;
    const projectCpu = { serviceCpuS: r2(nodeCpuSeconds() - cpu0.node), neo4jCpuS: r2(procCpuSeconds(jvmPid) - cpu0.jvm) };
    await db.close();
    db = undefined;
    await neo4j.stop();
    neo4j = undefined;
    const n = projection.ids.length;
    t0 = performance.now();
    const g = buildCsr(n, projection.src, projection.dst, projection.weight);
    const buildCsrMs = performance.now() - t0;
    const edgesFile = path.join(work, 'edges.txt');
    await writeLines(edgesFile, (function* () {
      yield `${n} ${g.m}\n`;
      const w = g.outWeights;
      for (let u = 0; u < n; u++) {
        for (let p = g.outOffsets[u]; p < g.outOffsets[u + 1]; p++) yield `${u} ${g.outTargets[p]} ${w ? w[p] : 1}\n`;
      }
    })());
    result.export = { nodes: n, rawArcs: projection.src.length, mergedArcs: g.m, projectSeconds: r3(projectMs / 1000), projectCpu, buildCsrSeconds: r3(buildCsrMs / 1000), counts: projection.counts };
    log(`${customers}: projected ${n} nodes, ${g.m} arcs in ${r3(projectMs / 1000)} s; Neo4j stopped`);

    // --- kernel comparisons on the same CSR
    const kernelLoad = load1();
    const strictThreshold = TOL;
    const tight = median(REPEAT, () => tightPagerank(g, ALPHA, strictThreshold, 200));
    const ours = median(REPEAT, () => pagerank(g, { alpha: ALPHA, tol: TOL, maxIter: 200, stopping: 'strict', onNonConvergence: 'return' }));
    const oursNx = median(REPEAT, () => pagerank(g, { alpha: ALPHA, tol: TOL, maxIter: 1000, stopping: 'networkx', onNonConvergence: 'return' }));
    const comm = median(Math.max(1, Math.min(3, REPEAT)), () => louvain(g, { seed: ALGORITHM_SEED }));
    const btw = median(1, () => betweenness(g, { k: Math.min(SAMPLES, n), seed: ALGORITHM_SEED }));
    result.kernel = {
      load1: { before: kernelLoad, after: load1() },
      repeat: REPEAT,
      tightPagerank: { ms: r3(tight.ms), iterations: tight.value.iterations, allMs: tight.all },
      pagerankStrict: { ms: r3(ours.ms), iterations: ours.value.iterations, allMs: ours.all, maxAbsDiffVsTight: maxAbsDiff(ours.value.scores, tight.value.scores) },
      pagerankOverTight: r2(ours.ms / tight.ms),
      pagerankNetworkxRule: { ms: r3(oursNx.ms), iterations: oursNx.value.iterations, allMs: oursNx.all, maxAbsDiffVsStrict: maxAbsDiff(oursNx.value.scores, ours.value.scores) },
      louvain: { ms: r3(comm.ms), communities: comm.value.count, modularity: comm.value.modularity, levels: comm.value.levels, allMs: comm.all },
      betweenness: { ms: r3(btw.ms), samples: btw.value.samples },
    };
    log(`${customers}: tight PR ${r3(tight.ms)} ms (${tight.value.iterations} it), ours ${r3(ours.ms)} ms (${ours.value.iterations} it), ours/NetworkX rule ${r3(oursNx.ms)} ms (${oursNx.value.iterations} it), louvain ${r3(comm.ms)} ms, betweenness ${r3(btw.ms)} ms`);

    // --- NetworkX on the same edge list
    if (!SKIP_NETWORKX) {
      const prFile = path.join(work, 'pagerank.txt');
      const commFile = path.join(work, 'communities.txt');
      const strictFile = path.join(work, 'pagerank-strict.txt');
      // Ours under NetworkX's rule (same stopping point) and at the run's strict tolerance.
      await writeLines(prFile, Array.from(oursNx.value.scores, (x) => `${x}\n`));
      await writeLines(strictFile, Array.from(ours.value.scores, (x) => `${x}\n`));
      await writeLines(commFile, Array.from(comm.value.communities, (c) => `${c}\n`));
      const nxLoad = load1();
      t0 = performance.now();
      const args = [NX_SCRIPT, '--edges', edgesFile, '--ours-pagerank', prFile, '--ours-pagerank-strict', strictFile, '--ours-communities', commFile, '--k', String(SAMPLES), '--seed', String(ALGORITHM_SEED), '--alpha', String(ALPHA), '--tol', String(TOL)];
      if (PYTHON_PAGERANK) args.push('--python-pagerank');
      const stdout = execFileSync(PYTHON, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
      const nx = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as NetworkxOutput;
      result.networkx = { ...nx, wallSeconds: r3((performance.now() - t0) / 1000), load1: { before: nxLoad, after: load1() } };
      const s = nx.steps;
      const kernel = result.kernel as { pagerankNetworkxRule: { ms: number }; louvain: { ms: number }; betweenness: { ms: number } };
      const phase = (result.run as { phasesMs: Record<string, number> }).phasesMs;
      result.ratios = {
        pagerankNetworkxOverOursSameRule: r2((s.pagerank.seconds * 1000) / kernel.pagerankNetworkxRule.ms),
        pagerankNetworkxOverRunPhase: r2((s.pagerank.seconds * 1000) / Math.max(1, phase.pagerank)),
        pagerankPythonOverOursSameRule: s.pagerank_python ? r2((s.pagerank_python.seconds * 1000) / kernel.pagerankNetworkxRule.ms) : undefined,
        louvainNetworkxOverRunPhase: r2((s.louvain.seconds * 1000) / Math.max(1, phase.louvain)),
        louvainWithViewNetworkxOverRunPhase: r2(((s.louvain.seconds + s.undirected.seconds) * 1000) / Math.max(1, phase.louvain)),
        louvainNetworkxOverOursSameCsr: r2((s.louvain.seconds * 1000) / kernel.louvain.ms),
        betweennessNetworkxOverRunPhase: r2((s.betweenness.seconds * 1000) / Math.max(1, phase.betweenness)),
        betweennessNetworkxOverOursSameCsr: r2((s.betweenness.seconds * 1000) / kernel.betweenness.ms),
      };
      log(`${customers}: NetworkX ${JSON.stringify(s)}; ratios ${JSON.stringify(result.ratios)}`);
    }
    loadSamples.push(load1());
    result.load1Samples = loadSamples;
    return result;
  } finally {
    if (sampler) clearInterval(sampler);
    await db?.close().catch(() => undefined);
    await neo4j?.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Report

type SizeResult = Awaited<ReturnType<typeof benchSize>>;

function markdown(report: { code?: { commit: string }; command: string; startedAt: string; wallSeconds: number; machine: { before: ReturnType<typeof machine>; after: ReturnType<typeof machine> }; sizes: SizeResult[] }): string {
  const date = report.startedAt.slice(0, 10);
  const parts: string[] = [];
  parts.push(`# Analytics bench — ${date}\n`);
  parts.push(`Command: \`${report.command}\` (whole bench ${report.wallSeconds} s) on code ${report.code?.commit ?? 'unrecorded'}\n`);
  for (const size of report.sizes) {
    const run = size.run as {
      phasesMs: Record<string, number>; totalMs: number; wallMs: number; peakRssMb: number; sampledPeakRssMb: number;
      cpuByPhase?: Record<string, { wallS: number; serviceCpuS: number; neo4jCpuS: number }>;
      status?: string; failure?: { phase: string; message: string; afterSeconds: number; databaseErrors: { error: string }[] };
      nodeRssBeforeRunMb: number; jvmSampledPeakRssMb: number; jvmHwmMb: number; summary: Record<string, unknown>; load1: { before: number; after: number };
    };
    const exp = size.export as { nodes: number; mergedArcs: number; rawArcs: number; projectSeconds: number; counts: Record<string, number> };
    const k = size.kernel as {
      tightPagerank: { ms: number; iterations: number }; pagerankStrict: { ms: number; iterations: number; maxAbsDiffVsTight: number };
      pagerankOverTight: number; pagerankNetworkxRule: { ms: number; iterations: number; maxAbsDiffVsStrict: number };
      louvain: { ms: number; communities: number; modularity: number }; betweenness: { ms: number; samples: number }; load1: { before: number; after: number };
    };
    const nx = size.networkx as (NetworkxOutput & { load1: { before: number; after: number } }) | undefined;
    const ratios = size.ratios as Record<string, number | undefined> | undefined;
    const load = size.load as { seconds: number; kinds: Record<string, { rows: number; seconds: number }> };
    parts.push(`## ${size.customers} customers\n`);
    const peakMb = Math.max(run.peakRssMb, run.sampledPeakRssMb);
    const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : '**not met**');
    parts.push('| target | measured | |\n|---|---:|---|');
    if (run.failure) {
      parts.push(`| whole run < 60 s | **${run.status} in phase \`${run.failure.phase}\` after ${run.failure.afterSeconds} s** | **not met** |`);
    } else {
      parts.push(`| whole run < 60 s (start → wait returns, publication included) | ${r3(run.wallMs / 1000)} s | ${verdict(run.wallMs < 60_000)} |`);
    }
    parts.push(`| service peak RSS < 3 GB | ${peakMb} MB (Neo4j JVM beside it: ${run.jvmSampledPeakRssMb} MB) | ${verdict(peakMb < 3072)} |`);
    parts.push(`| PageRank ≥ 20× faster than NetworkX (same stopping rule) | ${ratios?.pagerankNetworkxOverOursSameRule ?? '–'}× (run phase, strict rule: ${ratios?.pagerankNetworkxOverRunPhase ?? '–'}×) | ${verdict(ratios ? (ratios.pagerankNetworkxOverOursSameRule ?? 0) >= 20 : undefined)} |`);
    parts.push(`| Louvain ≥ 10× faster than NetworkX (run phase) | ${ratios?.louvainNetworkxOverRunPhase ?? '–'}× (with NetworkX's view build: ${ratios?.louvainWithViewNetworkxOverRunPhase ?? '–'}×) | ${verdict(ratios ? (ratios.louvainNetworkxOverRunPhase ?? 0) >= 10 : undefined)} |`);
    parts.push(`| PageRank within 2× of a tight power iteration | ${k.pagerankOverTight}× | ${verdict(k.pagerankOverTight <= 2)} |\n`);
    parts.push(
      `Graph: ${exp.nodes} customers, ${exp.counts.follows} FOLLOWS + ${exp.counts.knows} KNOWS + ${exp.counts.interactions} INTERACTED → ` +
        `${exp.mergedArcs} weighted arcs. Loaded in ${load.seconds} s (${Object.entries(load.kinds).map(([kind, v]) => `${kind} ${v.rows}`).join(', ')}).\n`,
    );
    parts.push('### The analytics run (`services.runs.start({ betweenness: { samples: 64 } })`)\n');
    parts.push('| phase | ms | wall s from this phase\'s start to the next | service CPU s | Neo4j CPU s |\n|---|---:|---:|---:|---:|');
    for (const [name, ms] of Object.entries(run.phasesMs)) {
      const c = run.cpuByPhase?.[name];
      parts.push(`| ${name} | ${ms} | ${c ? c.wallS : ''} | ${c ? c.serviceCpuS : ''} | ${c ? c.neo4jCpuS : ''} |`);
    }
    parts.push(`| **whole run: start → wait returns** | **${run.wallMs}** | | | |`);
    parts.push(`| (the run's own startedAt → finishedAt, stamped before the publication) | ${run.totalMs} | | | |\n`);
    const lastInterval = run.cpuByPhase?.publish;
    if (lastInterval && run.phasesMs.publish) {
      parts.push(
        `The last interval runs until \`wait()\` returns: ${r3(lastInterval.wallS - run.phasesMs.publish / 1000)} s of it come after the publication phase ` +
          '(the after-run listeners: the snapshot reload). CPU columns are read from /proc at phase changes, so each covers its interval, saves of the run node included.\n',
      );
    }
    if (run.failure) {
      parts.push(
        `**The run ${run.status} in phase \`${run.failure.phase}\`** after ${run.failure.afterSeconds} s: "${run.failure.message}". ` +
          `Database errors behind it: ${run.failure.databaseErrors.map((e) => `\`${e.error}\``).join('; ') || 'none recorded'}. ` +
          'The comparisons below use the same projected graph and do not depend on the publication.\n',
      );
    }
    parts.push(
      `Service peak RSS: ${run.peakRssMb} MB as the run reports it (sampled every 100 ms: ${run.sampledPeakRssMb} MB; ${run.nodeRssBeforeRunMb} MB before the run). ` +
        `Neo4j JVM RSS: ${run.jvmSampledPeakRssMb} MB peak during the run (process high-water mark ${run.jvmHwmMb} MB). Load ${run.load1.before} → ${run.load1.after}.\n`,
    );
    parts.push('### Same CSR: the kernel against a tight loop and NetworkX\n');
    parts.push(`Kernel timings are medians of ${REPEAT} warm calls (louvain ${Math.min(3, REPEAT)}, betweenness 1); load ${k.load1.before} → ${k.load1.after}.` +
      (nx ? ` NetworkX ${nx.networkx}, Python ${nx.python}, load ${nx.load1.before} → ${nx.load1.after}, peak RSS ${nx.peakRssMb} MB.` : '') + '\n');
    parts.push('| step | ours | NetworkX | NetworkX / ours | notes |\n|---|---:|---:|---:|---|');
    const s = nx?.steps;
    parts.push(`| tight power iteration (bench, strict L1 < 1e-9) | ${k.tightPagerank.ms} ms | | | ${k.tightPagerank.iterations} iterations |`);
    parts.push(`| pagerank, run options (strict L1 < 1e-9) | ${k.pagerankStrict.ms} ms | | | ${k.pagerankStrict.iterations} iterations; **${k.pagerankOverTight}× the tight loop**; max abs diff vs tight ${k.pagerankStrict.maxAbsDiffVsTight.toExponential(2)}, vs NetworkX ${nx?.pagerankStrictMaxAbsDiff?.toExponential(2) ?? ''} |`);
    parts.push(`| pagerank in the run (phase) | ${run.phasesMs.pagerank} ms | ${s ? s.pagerank.seconds * 1000 + ' ms' : ''} | ${ratios?.pagerankNetworkxOverRunPhase ?? ''} | strict rule vs NetworkX's rule |`);
    parts.push(`| pagerank, NetworkX's rule (L1 < n·1e-9) | ${k.pagerankNetworkxRule.ms} ms | ${s ? s.pagerank.seconds * 1000 + ' ms' : ''} | **${ratios?.pagerankNetworkxOverOursSameRule ?? ''}** | ${k.pagerankNetworkxRule.iterations} iterations; max abs diff vs NetworkX ${nx?.pagerankMaxAbsDiff?.toExponential(2) ?? ''} (max rel ${nx?.pagerankMaxRelDiff?.toExponential(2) ?? ''}), top-100 overlap ${nx?.pagerankTop100Overlap ?? ''}; vs our strict ${k.pagerankNetworkxRule.maxAbsDiffVsStrict.toExponential(2)} |`);
    if (s?.pagerank_python) parts.push(`| pagerank, NetworkX pure Python (_pagerank_python) | ${k.pagerankNetworkxRule.ms} ms | ${s.pagerank_python.seconds * 1000} ms | ${ratios?.pagerankPythonOverOursSameRule ?? ''} | the reference loop, no scipy |`);
    parts.push(`| louvain in the run (phase) | ${run.phasesMs.louvain} ms | ${s ? s.louvain.seconds * 1000 + ' ms' : ''} | **${ratios?.louvainNetworkxOverRunPhase ?? ''}** | + ${s ? s.undirected.seconds * 1000 : ''} ms to build NetworkX's undirected view (with it: ${ratios?.louvainWithViewNetworkxOverRunPhase ?? ''}×) |`);
    parts.push(`| louvain, same CSR | ${k.louvain.ms} ms | | ${ratios?.louvainNetworkxOverOursSameCsr ?? ''} | ours ${k.louvain.communities} communities, Q ${k.louvain.modularity.toFixed(4)} (NetworkX's modularity() of our partition: ${nx?.oursModularityByNetworkx?.toFixed(4) ?? ''}); NetworkX ${nx?.louvainCommunities ?? ''} communities, Q ${nx?.louvainModularity?.toFixed(4) ?? ''} |`);
    parts.push(`| betweenness, ${k.betweenness.samples} sources, in the run (phase) | ${run.phasesMs.betweenness} ms | ${s ? s.betweenness.seconds * 1000 + ' ms' : ''} | ${ratios?.betweennessNetworkxOverRunPhase ?? ''} | unweighted, k = ${k.betweenness.samples}; same CSR: ours ${k.betweenness.ms} ms |`);
    if (s) parts.push(`| load edge list → graph | | ${s.load.seconds * 1000} ms | | DiGraph from ${nx?.arcs} arcs |`);
    parts.push('');
  }
  const m = report.machine;
  parts.push(`## Machine\n\n- nproc ${m.before.nproc}; ${m.before.cpu}\n- memory (free -g): ${m.before.memory}\n- before: ${m.before.uptime}\n- after: ${m.after.uptime}\n- ${m.before.node}; ${m.before.java}; ${m.before.python}\n`);
  return parts.join('\n');
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const wall0 = performance.now();
  const commitAtStart = sh('git rev-parse --short HEAD'); // the code this process loaded
  const before = machine();
  log(`sizes ${SIZES.join(', ')}; load ${load1()}`);
  const sizes: SizeResult[] = [];
  for (const customers of SIZES) sizes.push(await benchSize(customers));
  const report = {
    bench: 'analytics',
    code: { commit: commitAtStart },
    command: `npx tsx bench/analytics/run-bench.ts --customers ${SIZES.join(',')}${SEED !== 1 ? ` --seed ${SEED}` : ''}${PYTHON_PAGERANK ? ' --python-pagerank' : ''}${SKIP_NETWORKX ? ' --skip-networkx' : ''}`,
    startedAt: startedAt.toISOString(),
    wallSeconds: r3((performance.now() - wall0) / 1000),
    machine: { before, after: machine() },
    sizes,
  };
  mkdirSync(OUT_DIR, { recursive: true });
  const base = path.join(OUT_DIR, `analytics-${startedAt.toISOString().slice(0, 10)}`);
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(`${base}.md`, markdown(report));
  log(`wrote ${base}.md and .json`);
}

const fromJson = argValue('from-json');
if (fromJson) {
  const recorded = JSON.parse(readFileSync(fromJson, 'utf8')) as Parameters<typeof markdown>[0];
  writeFileSync(fromJson.replace(/\.json$/, '.md'), markdown(recorded));
} else {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
