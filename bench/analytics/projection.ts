/**
 * Projection bench: the customer graph read from Neo4j into typed arrays, by several readings on
 * one copy of a stored base in one run:
 *  - `procedures`: the service's reading on the embedded database, through the launcher's
 *    projection procedures (packed columns; src/graph/projection.repository.ts);
 *  - `cypher`: the same repository reading with Cypher only, as it does on a Neo4j without them;
 *  - `before`: the reading of before 2026-11-30 (bench/analytics/projection-before.ts).
 *
 *   npx tsx bench/analytics/projection.ts [--base /work/data/base-100k] [--rounds 3]
 *       [--readings cypher,procedures] [--name projection-2026-12-01]
 *
 * It copies --base (a home written by bench/base-store.ts) to a temporary folder, starts the
 * embedded Neo4j on it with the service's default heap and page cache (1g, 512m), then
 *  1. runs each query of each reading alone, twice (the first pays for planning and a cold page
 *     cache), recording rows, wall time, Neo4j CPU and service CPU; and once wrapped in
 *     `CALL { … } RETURN count(*)` so that Neo4j computes the rows without sending them: the
 *     difference is serialisation, transfer and decoding;
 *  2. calls every reading --rounds times, rotating which goes first, recording wall time, arcs/s,
 *     Neo4j CPU, service CPU and the service's RSS (sampled every 20 ms) and the JVM's;
 *  3. checks that every reading gives the same projection as the first (compared by customer id).
 * Results go to bench/results/<name>.md and .json. The copy is deleted at the end.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_NEO4J_HEAP } from '../../src/config.js';
import { DEFAULT_PROJECTION, type Projection, type ProjectionSource, unpackProjectionEvidence } from '../../src/domain/projection.js';
import { GraphDatabase } from '../../src/graph/database.js';
import { Neo4jProjectionRepository } from '../../src/graph/projection.repository.js';
import { startEmbeddedNeo4j } from '../../src/neo4j/embedded.js';
import { argValue, intArg } from '../args.js';
import { ProjectionBefore } from './projection-before.js';
import { projectionDifferences } from './projection-compare.js';

const BASE_PASSWORD = 'bench-password';

function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function procRssMb(pid: number): { rssMb: number; hwmMb: number } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s*(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { rssMb: Math.round(kb('VmRSS') / 1024), hwmMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { rssMb: 0, hwmMb: 0 };
  }
}

const nodeCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const r2 = (x: number) => Math.round(x * 100) / 100;

/** Reads the Cypher text of every `const NAME = \`…\`;` in a source file (the bench runs each alone). */
function queriesOf(file: string): Record<string, string> {
  const text = readFileSync(new URL(file, import.meta.url), 'utf8');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/const ([A-Z_]+) = `([^`]*)`;/g)) out[m[1]] = m[2];
  return out;
}

/**
 * The queries of a reading, each with the parameters it takes beyond asOf and halfLifeSeconds:
 * the repository's file holds both readings, the procedure calls being the `…_CHUNK(S)` queries.
 */
function readingQueries(reading: string): Record<string, { cypher: string; params?: Record<string, unknown> }> {
  if (reading === 'before') return Object.fromEntries(Object.entries(queriesOf('./projection-before.ts')).map(([k, cypher]) => [k, { cypher }]));
  const all = queriesOf('../../src/graph/projection.repository.ts');
  if (reading === 'cypher') return Object.fromEntries(Object.entries(all).filter(([k]) => !['PROCEDURES', 'SPLIT', 'INSTANT'].includes(k) && !/_CHUNKS?$/.test(k)).map(([k, cypher]) => [k, { cypher }]));
  return {
    CUSTOMER_CHUNKS: { cypher: all.CUSTOMER_CHUNKS },
    SPLIT: { cypher: all.SPLIT },
    BRANDS: { cypher: all.BRANDS },
    'READ_CHUNKS (the whole relationship store, one call)': { cypher: all.READ_CHUNKS, params: { from: 0, to: Number.MAX_SAFE_INTEGER } },
  };
}

const DESCRIPTIONS: Record<string, string> = {
  before: 'before (string ids, grouped queries)',
  cypher: 'cypher (internal ids in a guard transaction, one record per customer)',
  procedures: 'procedures (the launcher’s procedures, packed columns)',
};

interface QueryFigures {
  reading: string;
  query: string;
  rows: number;
  firstWallS: number;
  wallS: number;
  neo4jCpuS: number;
  serviceCpuS: number;
  serverOnlyWallS: number;
  serverOnlyNeo4jCpuS: number;
}

interface CallFigures {
  reading: string;
  round: number;
  wallS: number;
  arcs: number;
  arcsPerS: number;
  neo4jCpuS: number;
  serviceCpuS: number;
  serviceRssBeforeMb: number;
  servicePeakRssMb: number;
  neo4jRssMb: number;
}

async function main(): Promise<void> {
  const base = path.resolve(argValue('base') ?? '/work/data/base-100k');
  const rounds = intArg('rounds', 3);
  const name = argValue('name') ?? `projection-${new Date().toISOString().slice(0, 10)}`;
  const names = (argValue('readings') ?? 'cypher,procedures').split(',');
  const copy = mkdtempSync(path.join(tmpdir(), 'projection-bench-'));
  const log = (m: string) => console.log(`[projection ${new Date().toISOString().slice(11, 19)}] ${m}`);
  execFileSync('cp', ['-r', `${base}/.`, copy]);
  const baseInfo = JSON.parse(readFileSync(path.join(base, 'base.json'), 'utf8')) as { customers: number; counts: Record<string, number> };
  const load1AtStart = loadavg()[0];
  const neo = await startEmbeddedNeo4j({ home: copy, port: 0, password: BASE_PASSWORD, heap: DEFAULT_NEO4J_HEAP.plain, pagecache: '512m' });
  const db = new GraphDatabase({ uri: neo.uri, user: 'neo4j', password: BASE_PASSWORD });
  const readings: Record<string, ProjectionSource> = {
    before: new ProjectionBefore(db),
    // The evidence stays packed, as the service's run keeps it (it crosses to the scoring threads
    // packed); it is unpacked after the timing, for the comparison.
    cypher: new Neo4jProjectionRepository(db, 'cypher', 'packed'),
    procedures: new Neo4jProjectionRepository(db, 'procedures', 'packed'),
  };
  const queryFigures: QueryFigures[] = [];
  const calls: CallFigures[] = [];
  let differences: string[] = [];
  try {
    const latest = await db.read((tx) => tx.run('MATCH ()-[r:INTERACTED]->() RETURN toString(max(r.at)) AS t'));
    const params = { asOf: latest.records[0].get('t') as string, halfLifeSeconds: DEFAULT_PROJECTION.halfLifeDays * 86_400, previous: null };

    log('each query alone');
    for (const reading of names) {
      for (const [query, { cypher, params: extra }] of Object.entries(readingQueries(reading))) {
        const run = async (text: string) => {
          const c0 = procCpuSeconds(neo.pid);
          const n0 = nodeCpuSeconds();
          const t0 = performance.now();
          let rows = 0;
          await db.stream(text, { ...params, ...extra }, () => void rows++);
          return { rows, wallS: (performance.now() - t0) / 1000, neo4jCpuS: procCpuSeconds(neo.pid) - c0, serviceCpuS: nodeCpuSeconds() - n0 };
        };
        const first = await run(cypher);
        const second = await run(cypher);
        const serverOnly = await run(`CALL { UNWIND [0] AS benchRow ${cypher} } RETURN count(*) AS rows`);
        queryFigures.push({
          reading,
          query,
          rows: second.rows,
          firstWallS: r2(first.wallS),
          wallS: r2(second.wallS),
          neo4jCpuS: r2(second.neo4jCpuS),
          serviceCpuS: r2(second.serviceCpuS),
          serverOnlyWallS: r2(serverOnly.wallS),
          serverOnlyNeo4jCpuS: r2(serverOnly.neo4jCpuS),
        });
        log(`${reading} ${query}: ${JSON.stringify(queryFigures.at(-1))}`);
      }
    }

    const results: Record<string, Projection> = {};
    for (let round = 1; round <= rounds; round++) {
      for (const reading of names.map((_, k) => names[(k + round - 1) % names.length])) {
        global.gc?.();
        const rssBefore = process.memoryUsage().rss;
        let peak = rssBefore;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
        const c0 = procCpuSeconds(neo.pid);
        const n0 = nodeCpuSeconds();
        const t0 = performance.now();
        const p = await readings[reading].project(DEFAULT_PROJECTION);
        const wallS = (performance.now() - t0) / 1000;
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        unpackProjectionEvidence(p);
        results[reading] = p;
        calls.push({
          reading,
          round,
          wallS: r2(wallS),
          arcs: p.src.length,
          arcsPerS: Math.round(p.src.length / wallS),
          neo4jCpuS: r2(procCpuSeconds(neo.pid) - c0),
          serviceCpuS: r2(nodeCpuSeconds() - n0),
          serviceRssBeforeMb: Math.round(rssBefore / 2 ** 20),
          servicePeakRssMb: Math.round(peak / 2 ** 20),
          neo4jRssMb: procRssMb(neo.pid).rssMb,
        });
        log(JSON.stringify(calls.at(-1)));
      }
    }
    differences = names.slice(1).flatMap((reading) => projectionDifferences(results[names[0]], results[reading]).map((d) => `${reading}: ${d}`));
    log(differences.length === 0 ? 'same projection' : `DIFFERENCES:\n${differences.join('\n')}`);
  } finally {
    await db.close();
    await neo.stop();
    rmSync(copy, { recursive: true, force: true });
  }

  const load1AtEnd = loadavg()[0];
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const command = `npx tsx bench/analytics/projection.ts --base ${base} --rounds ${rounds} --readings ${names.join(',')}`;
  const json = { date: new Date().toISOString(), commit, machine, command, base, baseInfo, load1AtStart, load1AtEnd, queryFigures, calls, differences };
  const outDir = new URL('../results/', import.meta.url);
  writeFileSync(new URL(`${name}.json`, outDir), JSON.stringify(json, null, 2) + '\n');

  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const of = (reading: string) => calls.filter((c) => c.reading === reading);
  const summary = (reading: string) => {
    const cs = of(reading);
    return {
      wallS: median(cs.map((c) => c.wallS)),
      arcsPerS: median(cs.map((c) => c.arcsPerS)),
      neo4jCpuS: median(cs.map((c) => c.neo4jCpuS)),
      serviceCpuS: median(cs.map((c) => c.serviceCpuS)),
      peak: Math.max(...cs.map((c) => c.servicePeakRssMb - c.serviceRssBeforeMb)),
      neo4jRss: Math.max(...cs.map((c) => c.neo4jRssMb)),
    };
  };
  const first = summary(names[0]);
  const lines = [
    `# Projection bench — ${json.date.slice(0, 10)}`,
    '',
    `Command: \`${command}\` on code ${commit}. Machine: ${machine}; load average ${r2(load1AtStart)} at start, ${r2(load1AtEnd)} at end.`,
    `Base: ${base} (${baseInfo.customers} customers, ${baseInfo.counts.ties} ties), copied; Neo4j heap ${DEFAULT_NEO4J_HEAP.plain}, page cache 512m (the service's defaults).`,
    '',
    '## Whole projection (median of the rounds; rounds rotate which reading goes first)',
    '',
    '| reading | wall s | arcs | arcs/s | Neo4j CPU s | service CPU s | service RSS growth MB (max) | Neo4j RSS MB (max) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...names.map((reading) => {
      const x = summary(reading);
      return `| ${DESCRIPTIONS[reading]} | ${x.wallS} | ${of(reading)[0]?.arcs} | ${x.arcsPerS} | ${x.neo4jCpuS} | ${x.serviceCpuS} | ${x.peak} | ${x.neo4jRss} |`;
    }),
    ...names.slice(1).map((reading) => {
      const x = summary(reading);
      return `| ${reading} ÷ ${names[0]} | ${r2(x.wallS / first.wallS)} | | ${r2(x.arcsPerS / first.arcsPerS)} | ${r2(x.neo4jCpuS / first.neo4jCpuS)} | ${r2(x.serviceCpuS / first.serviceCpuS)} | | |`;
    }),
    '',
    `Same projection (compared by customer id, arcs summed per pair and kind, floats to 1e-9 relative): ${differences.length === 0 ? 'yes' : `**no**: ${differences.slice(0, 5).join('; ')}`}.`,
    '',
    'Every call:',
    '',
    '| reading | round | wall s | arcs/s | Neo4j CPU s | service CPU s | service RSS before → peak MB | Neo4j RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...calls.map((c) => `| ${c.reading} | ${c.round} | ${c.wallS} | ${c.arcsPerS} | ${c.neo4jCpuS} | ${c.serviceCpuS} | ${c.serviceRssBeforeMb} → ${c.servicePeakRssMb} | ${c.neo4jRssMb} |`),
    '',
    '## Where the time goes: each query alone',
    '',
    'Second call of each query (the first, in "first wall s", includes planning and a cold page cache). "Server only" runs the query inside `CALL { … } RETURN count(*)`: Neo4j computes the rows but sends one; the rest of the streamed figures is serialisation, Bolt transfer and decoding.',
    '',
    '| reading | query | rows | first wall s | wall s | Neo4j CPU s | service CPU s | server only: wall s | server only: Neo4j CPU s |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...queryFigures.map(
      (q) => `| ${q.reading} | ${q.query} | ${q.rows} | ${q.firstWallS} | ${q.wallS} | ${q.neo4jCpuS} | ${q.serviceCpuS} | ${q.serverOnlyWallS} | ${q.serverOnlyNeo4jCpuS} |`,
    ),
    '',
  ];
  writeFileSync(new URL(`${name}.md`, outDir), lines.join('\n'));
  log(`written bench/results/${name}.md`);
  if (differences.length > 0) process.exitCode = 1;
}

await main();
