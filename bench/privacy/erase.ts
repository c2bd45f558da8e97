/**
 * Erasure bench: what erasing one customer costs in the kept run results, stored in blocks
 * (src/graph/run-results.ts).
 *
 * For each scenario (`<customers>x<runs>`), on a throw-away embedded Neo4j, builds `runs` completed
 * (:AnalyticsRun)-[:HAS_RESULTS]->(:RunResults) nodes in the previous release's shape — a
 * customerIds array of `customers` ids, one array of that length per score of SCORE_FIELDS
 * (integers for INTEGER_FIELDS) plus participationTier and topics, the three stance arrays
 * (customers × brands, customer-major) and a communities JSON whose top members name the customers
 * erased below; plus the (:Customer) nodes to erase — and converts them to blocks with
 * migrateRunResults (timed). It also times reading the two latest runs' arrays back (what the
 * snapshot load reads) in the old shape, before the conversion, and from the blocks after it.
 * Then, each on a different customer:
 *
 * - `blocks`: scrubRunResults of src/graph/entity.repository.ts alone, in one write transaction
 *   (the block of each run holding the customer, and the community summaries);
 * - `erase`: the whole Neo4jEntityRepository.eraseCustomer (node, blocks, community summaries,
 *   privacy log) in its one write transaction.
 *
 * After each timing every block is checked: still aligned, the customer gone.
 *
 *   npx tsx bench/privacy/erase.ts --scenarios 100000x10:blocks+erase@5
 *
 * A scenario is `<customers>x<runs>:<variants joined by +>[@<repeats>]` (default repeats: --repeat).
 *
 * Writes bench/results/erase-<date>.md and .json (`--out` names another base), with the machine
 * (`nproc`, memory), its load (`uptime`) before and after, and the command.
 */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { INTEGER_FIELDS, SCORE_FIELDS } from '../../src/domain/scoring.js';
import { GraphDatabase, int } from '../../src/graph/database.js';
import { scrubRunResults, Neo4jEntityRepository } from '../../src/graph/entity.repository.js';
import { BLOCK_SIZE, migrateRunResults, readRunArrays, RUN_ARRAYS, RUN_STANCE_ARRAYS } from '../../src/graph/run-results.js';
import { plain } from '../../src/graph/mappers.js';
import { applySchema } from '../../src/graph/schema.repository.js';
import { startEmbeddedNeo4j } from '../../src/neo4j/embedded.js';

type Variant = 'blocks' | 'erase';

const { values: args } = parseArgs({
  options: {
    scenarios: { type: 'string', default: '100000x10:blocks+erase@5' },
    repeat: { type: 'string', default: '3' },
    brands: { type: 'string', default: '3' },
    out: { type: 'string', default: `bench/results/erase-${new Date().toISOString().slice(0, 10)}` },
    /** Reports (.json) of earlier invocations to combine into --out instead of measuring. */
    from: { type: 'string' },
  },
});
const REPEAT = Number(args.repeat);
const BRANDS = Number(args.brands);
const PASSWORD = 'bench-erase-password';

const sh = (cmd: string) => {
  try {
    return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return '(unavailable)';
  }
};
const machine = () => ({
  nproc: sh('nproc'),
  memory: sh('free -g').split('\n').slice(0, 2).join(' | ').replace(/\s+/g, ' '),
  uptime: sh('uptime'),
  node: process.version,
  java: sh('java -version 2>&1 | head -1'),
  cpu: sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim(),
});

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const customerId = (i: number) => `c${String(i).padStart(7, '0')}`;

/** The customers each variant erases, spread over the arrays (never the same one twice). */
function victims(n: number, variants: Variant[], repeat: number): Record<Variant, string[]> {
  const out = {} as Record<Variant, string[]>;
  variants.forEach((v, k) => {
    out[v] = Array.from({ length: repeat }, (_, r) => customerId(Math.floor(((r * variants.length + k + 0.5) / (repeat * variants.length)) * n)));
  });
  return out;
}

async function build(db: GraphDatabase, n: number, runs: number, erased: string[]): Promise<{ ms: number; bytesPerRun: number }> {
  const started = performance.now();
  const ids = Array.from({ length: n }, (_, i) => customerId(i));
  await db.write((tx) => tx.run('UNWIND $ids AS id CREATE (:Customer {id: id, name: "Bench " + id})', { ids: erased }));
  let bytesPerRun = 0;
  for (let r = 0; r < runs; r++) {
    const rand = random(r + 1);
    const arrays: Record<string, unknown> = { customerIds: ids, fields: [...SCORE_FIELDS] };
    for (const f of SCORE_FIELDS) {
      arrays[f] = INTEGER_FIELDS.has(f) ? Array.from({ length: n }, () => int(Math.floor(rand() * 50))) : Array.from({ length: n }, () => rand());
    }
    arrays.participationTier = Array.from({ length: n }, (_, i) => ['lurker', 'casual', 'active', 'core'][i % 4]);
    arrays.topics = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 't1|t2' : 't3'));
    arrays.stanceBrandIds = Array.from({ length: BRANDS }, (_, b) => `b${b}`);
    arrays.stanceClasses = Array.from({ length: n * BRANDS }, () => int(Math.floor(rand() * 4)));
    arrays.stanceScores = Array.from({ length: n * BRANDS }, () => rand() * 2 - 1);
    arrays.stanceLatestNps = Array.from({ length: n * BRANDS }, () => int(Math.floor(rand() * 12) - 1));
    // One community per 50 customers; the erased customers are top members of the first ones.
    const communities = Array.from({ length: Math.ceil(n / 50) }, (_, c) => ({
      id: c,
      size: 50,
      density: 0.1,
      internalTies: 120,
      ties: [{ community: (c + 1) % Math.ceil(n / 50), arcs: 3 }],
      topics: [{ topic: 't1', members: 10 }],
      topMembers: c < erased.length ? [erased[c], ...ids.slice(c * 50, c * 50 + 4)] : ids.slice(c * 50, c * 50 + 5),
      previousSize: 48,
    }));
    arrays.communities = JSON.stringify(communities);
    bytesPerRun = n * (SCORE_FIELDS.length * 8 + 8 + 8 + 12) + n * BRANDS * 17 + (arrays.communities as string).length;
    await db.write(async (tx) => {
      await tx.run(
        `CREATE (r:AnalyticsRun {id: $runId, status: 'completed', finishedAt: $at})
         CREATE (r)-[:HAS_RESULTS]->(res:RunResults {runId: $runId, createdAt: $at})
         SET res += $arrays`,
        { runId: `run-${r}`, at: new Date(Date.UTC(2026, 0, 1 + r)).toISOString(), arrays },
      );
    });
  }
  return { ms: Math.round(performance.now() - started), bytesPerRun };
}

/** Every block of every kept run still aligned and without the customer. */
async function check(db: GraphDatabase, id: string): Promise<void> {
  const result = await db.read((tx) =>
    tx.run(
      `MATCH (res:RunResults)-[:HAS_BLOCK]->(b:RunResultsBlock)
       RETURN $id IN b.customerIds AS present, size(b.customerIds) AS n, size(res.stanceBrandIds) AS b,
              [f IN $arrays | size(b[f])] AS sizes, [f IN $stance | size(b[f])] AS stanceSizes`,
      { id, arrays: [...RUN_ARRAYS], stance: [...RUN_STANCE_ARRAYS] },
    ),
  );
  for (const r of result.records) {
    const n = plain(r.get('n')) as number;
    const b = plain(r.get('b')) as number;
    if (r.get('present')) throw new Error(`${id} is still in a block's customerIds`);
    if ((plain(r.get('sizes')) as number[]).some((s) => s !== n)) throw new Error('arrays no longer aligned');
    if ((plain(r.get('stanceSizes')) as number[]).some((s) => s !== n * b)) throw new Error('stance arrays no longer aligned');
  }
}

/** Reads the two latest runs' score arrays, tiers, topics and stances: the bulk of a snapshot load. */
const LATEST_TWO = `
MATCH (r:AnalyticsRun {status: 'completed'})-[:HAS_RESULTS]->(res:RunResults)
RETURN elementId(res) AS ref, res ORDER BY r.finishedAt DESC LIMIT 2`;

async function readOld(db: GraphDatabase): Promise<number> {
  const t0 = performance.now();
  const result = await db.read((tx) => tx.run(LATEST_TWO));
  let n = 0;
  for (const r of result.records) {
    const props = (r.get('res') as { properties: Record<string, unknown> }).properties;
    for (const f of SCORE_FIELDS) if (Array.isArray(props[f])) Float64Array.from(props[f] as unknown[], (v) => plain(v) as number);
    n += (props.customerIds as string[]).length;
  }
  if (n === 0) throw new Error('nothing read');
  return Math.round(performance.now() - t0);
}

async function readBlocks(db: GraphDatabase): Promise<number> {
  const t0 = performance.now();
  const result = await db.read((tx) => tx.run(LATEST_TWO));
  let n = 0;
  for (const r of result.records) {
    const kept = await readRunArrays(db, r.get('ref') as string, [...RUN_ARRAYS, ...RUN_STANCE_ARRAYS]);
    for (const f of SCORE_FIELDS) if (Array.isArray(kept.arrays[f])) Float64Array.from(kept.arrays[f], (v) => plain(v) as number);
    n += kept.customerIds.length;
  }
  if (n === 0) throw new Error('nothing read');
  return Math.round(performance.now() - t0);
}

interface Timing {
  variant: Variant;
  customer: string;
  ms: number;
}

type Report = Parameters<typeof markdown>[0];

/** Combines the reports of several invocations (e.g. one scenario each) into one. */
function combine(files: string[]): void {
  const reports = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Report);
  const report: Report = {
    command: reports.map((r) => r.command).join(' ; '),
    startedAt: reports[0].startedAt,
    code: { commit: [...new Set(reports.map((r) => r.code.commit))].join(', ') },
    machine: { before: reports[0].machine.before, after: reports[reports.length - 1].machine.after },
    brands: reports[0].brands,
    scenarios: reports.flatMap((r) => r.scenarios),
  };
  writeFileSync(`${args.out}.json`, JSON.stringify({ ...report, runs: reports.map((r) => ({ command: r.command, machine: r.machine })) }, null, 2) + '\n');
  writeFileSync(`${args.out}.md`, markdown(report, reports));
  console.log(`wrote ${args.out}.md and .json`);
}

async function main() {
  if (args.from) return combine(args.from.split(','));
  const command = `npx tsx bench/privacy/erase.ts ${process.argv.slice(2).join(' ')}`.trim();
  const before = machine();
  const commit = sh('git rev-parse --short HEAD');
  const startedAt = new Date().toISOString();
  const scenarios: { customers: number; runs: number; build: { ms: number; bytesPerRun: number }; migrate?: { ms: number; runs: number }; read?: { oldShapeMs: number[]; blocksMs: number[] }; timings: Timing[] }[] = [];
  for (const spec of args.scenarios!.split(',')) {
    const [size, rest] = spec.split(':');
    const [list, times] = (rest ?? 'new+erase').split('@');
    const [customers, runs] = size.split('x').map(Number);
    const variants = list.split('+') as Variant[];
    const repeat = times ? Number(times) : REPEAT;
    const targets = victims(customers, variants, repeat);
    console.log(`${customers} customers × ${runs} kept runs: building…`);
    const neo4j = await startEmbeddedNeo4j({ ephemeral: true, port: 0, password: PASSWORD, heap: '3g', pagecache: '1g' });
    const db = new GraphDatabase({ uri: neo4j.uri, user: 'neo4j', password: PASSWORD });
    try {
      await applySchema(db);
      const built = await build(db, customers, runs, Object.values(targets).flat());
      console.log(`  built in ${built.ms} ms`);
      const oldShapeMs = [await readOld(db), await readOld(db), await readOld(db)];
      console.log(`  old-shape read of the two latest runs: ${oldShapeMs.join(', ')} ms`);
      const m0 = performance.now();
      const migrated = await migrateRunResults(db);
      const migrate = { ms: Math.round(performance.now() - m0), runs: migrated };
      console.log(`  converted ${migrated} runs to blocks in ${migrate.ms} ms`);
      const blocksMs = [await readBlocks(db), await readBlocks(db), await readBlocks(db)];
      console.log(`  block read of the two latest runs: ${blocksMs.join(', ')} ms`);
      const repo = new Neo4jEntityRepository(db);
      const timings: Timing[] = [];
      for (let r = 0; r < repeat; r++) {
        for (const variant of variants) {
          const id = targets[variant][r];
          const t0 = performance.now();
          if (variant === 'erase') {
            const result = await repo.eraseCustomer(id);
            if (!result.erased || result.scores !== runs) throw new Error(`erase of ${id} touched ${result.scores} runs`);
          } else {
            const touched = await db.write((tx) => scrubRunResults(tx, id));
            if (touched !== runs) throw new Error(`${variant} touched ${touched} runs`);
          }
          const ms = Math.round((performance.now() - t0) * 10) / 10;
          await check(db, id);
          timings.push({ variant, customer: id, ms });
          console.log(`  ${variant.padEnd(5)} ${id}: ${ms} ms`);
        }
      }
      scenarios.push({ customers, runs, build: built, migrate, read: { oldShapeMs, blocksMs }, timings });
    } finally {
      await db.close();
      await neo4j.stop();
    }
  }
  const report = { command, startedAt, code: { commit }, machine: { before, after: machine() }, brands: BRANDS, scenarios };
  writeFileSync(`${args.out}.json`, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(`${args.out}.md`, markdown(report));
  console.log(`wrote ${args.out}.md and .json`);
}

function markdown(report: {
  command: string;
  startedAt: string;
  code: { commit: string };
  machine: { before: ReturnType<typeof machine>; after: ReturnType<typeof machine> };
  brands: number;
  scenarios: { customers: number; runs: number; build: { ms: number; bytesPerRun: number }; migrate?: { ms: number; runs: number }; read?: { oldShapeMs: number[]; blocksMs: number[] }; timings: Timing[] }[];
}, parts?: { command: string; machine: { before: ReturnType<typeof machine>; after: ReturnType<typeof machine> } }[]): string {
  const lines = [
    `# Erasure of one customer from the kept run results — ${report.startedAt.slice(0, 10)}`,
    '',
    `Command: \`${report.command}\` on code ${report.code.commit}. Each kept run holds ${SCORE_FIELDS.length} score arrays, participationTier, topics and ${report.brands} brands of stance arrays in blocks of ${BLOCK_SIZE} customers (see the bench's header). \`blocks\`: scrubRunResults alone (the block of each run holding the customer, and the community summaries, in one transaction); \`erase\`: the whole erasure (node, ties, content, blocks, community summaries and privacy log in one transaction). Each timing erases a different customer; after each, every block was checked aligned and without the customer.`,
    '',
    '| customers | kept runs | variant | timings (ms) | median (ms) |',
    '|---:|---:|---|---|---:|',
  ];
  for (const s of report.scenarios) {
    for (const variant of ['blocks', 'erase'] as Variant[]) {
      const ms = s.timings.filter((t) => t.variant === variant).map((t) => t.ms);
      if (ms.length === 0) continue;
      const sorted = ms.slice().sort((a, b) => a - b);
      const mid = sorted.length / 2;
      const median = sorted.length % 2 ? sorted[Math.floor(mid)] : Math.round(((sorted[mid - 1] + sorted[mid]) / 2) * 10) / 10;
      lines.push(`| ${s.customers.toLocaleString('en-US')} | ${s.runs} | ${variant} | ${ms.join(', ')} | ${median} |`);
    }
  }
  for (const s of report.scenarios) {
    if (s.migrate) lines.push('', `${s.customers.toLocaleString('en-US')} × ${s.runs}: conversion of the old-shape runs to blocks (migrateRunResults) ${s.migrate.ms} ms for ${s.migrate.runs} runs.`);
    if (s.read) lines.push(`Reading the two latest runs' arrays back (the bulk of a snapshot load): old shape ${s.read.oldShapeMs.join(', ')} ms; blocks ${s.read.blocksMs.join(', ')} ms.`);
  }
  lines.push('', '## Machine', '', `- nproc ${report.machine.before.nproc}; ${report.machine.before.cpu}`, `- memory (free -g): ${report.machine.before.memory}`);
  for (const part of parts ?? [report]) {
    lines.push(`- \`${part.command}\`: load before ${part.machine.before.uptime.replace(/.*load average/, 'load average')}; after ${part.machine.after.uptime.replace(/.*load average/, 'load average')}`);
  }
  lines.push(`- ${report.machine.before.node}; ${report.machine.before.java}`, '');
  return lines.join('\n');
}

await main();
