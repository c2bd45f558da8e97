/**
 * The same customer base through both analytics engines in one process and one database:
 *
 *   npx tsx bench/engines/run.ts [--base /work/data/base-100k] [--heap 3g] [--out bench/results/engines-2026-11-30]
 *
 * Copies the stored base (bench/base-store.ts) to a scratch folder, starts the embedded Neo4j on
 * the copy with Graph Data Science loaded, then runs one analytics run with engine `in-process`
 * and one with engine `gds` (default parameters, seed 42), one after the other. For each: the
 * phases' times, the remote engine's own step times (estimate, projection, each algorithm, the
 * stream back), the service's peak RSS (the run's peakRssMb) and the Neo4j JVM's peak RSS during
 * the run (sampled from /proc every 250 ms). Then how far the two runs' scores are apart
 * (PageRank, betweenness, degree, k-core, components; Louvain modularity of each). Writes OUT.md
 * and OUT.json; deletes the copy.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { buildServices } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { ScoreSet } from '../../src/domain/scoring.js';
import { GraphDatabase } from '../../src/graph/database.js';
import { startEmbeddedNeo4j } from '../../src/neo4j/embedded.js';
import { argValue } from '../args.js';

const PASSWORD = 'bench-password';

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const maxDiff = (a?: ArrayLike<number>, b?: ArrayLike<number>) => {
  if (!a || !b) return null;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

async function main(): Promise<void> {
  const base = path.resolve(argValue('base') ?? '/work/data/base-100k');
  const heap = argValue('heap') ?? '3g';
  const out = argValue('out') ?? 'bench/results/engines-2026-11-30';
  const copy = `/tmp/engines-bench-${process.pid}`;
  const log = (m: string) => console.log(`[engines ${new Date().toISOString().slice(11, 19)}] ${m}`);
  const info: Record<string, unknown> = {
    base,
    heap,
    machine: { cores: 2, memoryGiB: Math.round(totalmem() / 2 ** 30), load1AtStart: loadavg()[0] },
    command: `npx tsx bench/engines/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
  };
  log(`copying ${base}`);
  cpSync(base, copy, { recursive: true });
  const neo4j = await startEmbeddedNeo4j({ home: copy, port: 0, password: PASSWORD, heap, pagecache: '1g', gds: true });
  const db = new GraphDatabase({ uri: neo4j.uri, user: 'neo4j', password: PASSWORD });
  try {
    const config = loadConfig({ NEO4J_URI: neo4j.uri, NEO4J_PASSWORD: PASSWORD, LOG_LEVEL: 'silent', DEMO_DATA: 'false', DATA_DIR: copy });
    const services = buildServices(config, db);
    let last: ScoreSet | undefined;
    services.runs.onCompleted((_run, _projection, result) => {
      last = result;
    });
    const runs: Record<string, unknown>[] = [];
    const results: Record<string, ScoreSet> = {};
    for (const engine of ['in-process', 'gds'] as const) {
      log(`run with engine ${engine}`);
      let jvmPeak = rssMb(neo4j.pid);
      const jvmBefore = jvmPeak;
      const sampler = setInterval(() => (jvmPeak = Math.max(jvmPeak, rssMb(neo4j.pid))), 250);
      const started = performance.now();
      const run = await services.runs.start({ engine });
      const done = await services.runs.wait(run.id);
      clearInterval(sampler);
      const seconds = (performance.now() - started) / 1000;
      if (done.status !== 'completed') throw new Error(`the ${engine} run ended ${done.status}: ${done.message}`);
      results[engine] = last!;
      const summary = done.summary as Record<string, unknown>;
      runs.push({
        engine,
        seconds: Number(seconds.toFixed(1)),
        phases: Object.fromEntries(done.phases.map((p) => [p.name, p.ms ?? null])),
        engineReport: summary.engine,
        servicePeakRssMb: done.peakRssMb,
        jvmRssBeforeMb: jvmBefore,
        jvmPeakRssMb: jvmPeak,
        louvain: summary.louvain,
        pagerank: summary.pagerank,
        betweenness: summary.betweenness,
        load1: loadavg()[0],
      });
      log(`${engine}: ${seconds.toFixed(1)} s, service peak ${done.peakRssMb} MB, JVM peak ${jvmPeak} MB`);
    }
    const a = results['in-process'].fields;
    const b = results.gds.fields;
    info.agreement = {
      pagerankMaxAbsDiff: maxDiff(a.pagerank, b.pagerank),
      betweennessMaxAbsDiff: maxDiff(a.betweenness, b.betweenness),
      weightedInDegreeMaxAbsDiff: maxDiff(a.weightedInDegree, b.weightedInDegree),
      coreNumberMaxAbsDiff: maxDiff(a.coreNumber, b.coreNumber),
      componentIdMaxAbsDiff: maxDiff(a.componentId, b.componentId),
    };
    info.runs = runs;
    info.load1AtEnd = loadavg()[0];
    writeFileSync(`${out}.json`, JSON.stringify(info, null, 2) + '\n');
    log(`wrote ${out}.json`);
    console.log(JSON.stringify(info, null, 2));
  } finally {
    await db.close();
    await neo4j.stop();
    rmSync(copy, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
