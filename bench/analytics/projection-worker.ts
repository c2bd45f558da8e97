/**
 * Projection in a worker thread against the projection on the calling thread: what the reading
 * costs the service's event loop, on one copy of a stored base in one run.
 *
 *   npx tsx bench/analytics/projection-worker.ts [--base /work/data/base-100k] [--rounds 3] [--name projection-worker-2026-12-01]
 *
 * It copies --base (a home written by bench/base-store.ts), starts the embedded Neo4j on it with the
 * service's default heap and page cache, then reads the projection --rounds times each way
 * (alternating; `thread` = Neo4jProjectionRepository on the calling thread, `worker` =
 * WorkerProjectionSource), recording wall time and the event loop's delay meanwhile: a 5 ms timer
 * records how late each tick fires (the longest stall, p99 and the total time the loop was held
 * beyond 5 ms), and perf_hooks' histogram. It checks that both ways give the same projection.
 * Results go to bench/results/<name>.md and .json. Not a test: no assertion on time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { DEFAULT_PROJECTION, unpackProjectionEvidence, type ProjectionSource } from '../../src/domain/projection.js';
import { GraphDatabase } from '../../src/graph/database.js';
import { WorkerProjectionSource } from '../../src/graph/projection-worker.runner.js';
import { Neo4jProjectionRepository } from '../../src/graph/projection.repository.js';
import { startEmbeddedNeo4j } from '../../src/neo4j/embedded.js';
import { argValue, intArg } from '../args.js';
import { projectionDifferences } from './projection-compare.js';

const BASE_PASSWORD = 'bench-password';
const TICK_MS = 5;

interface Figures {
  way: string;
  round: number;
  wallS: number;
  arcs: number;
  longestStallMs: number;
  p99StallMs: number;
  heldMs: number;
  histogramMaxMs: number;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

async function measure(source: ProjectionSource) {
  const lates: number[] = [];
  let expected = performance.now() + TICK_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    lates.push(Math.max(0, now - expected));
    expected = now + TICK_MS;
  }, TICK_MS);
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const t0 = performance.now();
  const projection = await source.project({ ...DEFAULT_PROJECTION });
  const wallS = (performance.now() - t0) / 1000;
  // One more tick, so that a stall just before the promise settled (receiving the result) is seen.
  await new Promise((resolve) => setTimeout(resolve, 3 * TICK_MS));
  clearInterval(timer);
  histogram.disable();
  const sorted = [...lates].sort((a, b) => a - b);
  return {
    projection,
    wallS,
    longestStallMs: sorted.at(-1) ?? 0,
    p99StallMs: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
    heldMs: lates.reduce((s, x) => s + x, 0),
    histogramMaxMs: histogram.max / 1e6,
  };
}

async function main(): Promise<void> {
  const base = path.resolve(argValue('base') ?? '/work/data/base-100k');
  const rounds = intArg('rounds', 3);
  const name = argValue('name') ?? 'projection-worker-2026-12-01';
  const copy = mkdtempSync(path.join(tmpdir(), 'projection-worker-bench-'));
  const log = (m: string) => console.log(`[projection-worker ${new Date().toISOString().slice(11, 19)}] ${m}`);
  execFileSync('cp', ['-r', `${base}/.`, copy]);
  const baseInfo = JSON.parse(readFileSync(path.join(base, 'base.json'), 'utf8')) as { customers: number };
  const load = [loadavg()[0]];
  const neo = await startEmbeddedNeo4j({ home: copy, port: 0, password: BASE_PASSWORD, heap: '2g', pagecache: '512m' });
  const db = new GraphDatabase({ uri: neo.uri, user: 'neo4j', password: BASE_PASSWORD });
  const ways: Record<string, ProjectionSource> = { thread: new Neo4jProjectionRepository(db), worker: new WorkerProjectionSource(db) };
  const figures: Figures[] = [];
  let differences: string[] = [];
  try {
    const last: Record<string, Awaited<ReturnType<typeof measure>>['projection']> = {};
    for (let round = 1; round <= rounds; round++) {
      for (const way of round % 2 ? ['thread', 'worker'] : ['worker', 'thread']) {
        const m = await measure(ways[way]);
        last[way] = m.projection;
        figures.push({
          way,
          round,
          wallS: Math.round(m.wallS * 100) / 100,
          arcs: m.projection.src.length,
          longestStallMs: r1(m.longestStallMs),
          p99StallMs: r1(m.p99StallMs),
          heldMs: Math.round(m.heldMs),
          histogramMaxMs: r1(m.histogramMaxMs),
        });
        log(JSON.stringify(figures.at(-1)));
      }
    }
    unpackProjectionEvidence(last.worker);
    differences = projectionDifferences(last.thread, last.worker);
    log(differences.length ? `DIFFERENT: ${differences.slice(0, 5).join('; ')}` : 'both ways give the same projection');
  } finally {
    await db.close();
    await neo.stop();
    rmSync(copy, { recursive: true, force: true });
  }
  load.push(loadavg()[0]);

  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  writeFileSync(path.join('bench/results', `${name}.json`), JSON.stringify({ machine, commit, base, customers: baseInfo.customers, load, figures, differences }, null, 2));
  const median = (way: string, key: keyof Figures) => {
    const xs = figures.filter((f) => f.way === way).map((f) => f[key] as number).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)];
  };
  const rows = figures.map((f) => `| ${f.way} | ${f.round} | ${f.wallS} | ${f.arcs.toLocaleString('en')} | ${f.longestStallMs} | ${f.p99StallMs} | ${f.heldMs} |`);
  const md = `# Projection on the calling thread vs in a worker thread (${name})

- Machine: ${machine}; load average (1 min) ${load.map((x) => x.toFixed(1)).join(' → ')}
- Commit: ${commit}; base ${base} (${baseInfo.customers.toLocaleString('en')} customers), Neo4j heap 2g, page cache 512m
- Command: \`npx tsx bench/analytics/projection-worker.ts --base ${base} --rounds ${rounds}\`
- Event loop: a ${TICK_MS} ms timer on the calling thread; "stall" is how late a tick fired, "held" the sum of all lateness.
- Same projection both ways: ${differences.length ? `**no** (${differences.slice(0, 3).join('; ')})` : 'yes'}

| way | round | wall s | arcs | longest stall ms | p99 stall ms | held ms |
|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Medians: thread ${median('thread', 'wallS')} s, longest stall ${median('thread', 'longestStallMs')} ms, held ${median('thread', 'heldMs')} ms;
worker ${median('worker', 'wallS')} s, longest stall ${median('worker', 'longestStallMs')} ms, held ${median('worker', 'heldMs')} ms.
`;
  writeFileSync(path.join('bench/results', `${name}.md`), md);
  log(`wrote bench/results/${name}.md`);
}

await main();
