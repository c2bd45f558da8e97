/**
 * Erasure bench: what erasing one customer costs in the kept run results.
 *
 * For each scenario (`<customers>x<runs>`), on a throw-away embedded Neo4j, builds the state the
 * analytics publication leaves (src/graph/analytics-run.repository.ts): `runs` completed
 * (:AnalyticsRun)-[:HAS_RESULTS]->(:RunResults) nodes, each with a customerIds array of
 * `customers` ids, one array of that length per score of SCORE_FIELDS (integers for
 * INTEGER_FIELDS) plus participationTier and topics, the three stance arrays (customers × brands,
 * customer-major) and a communities JSON whose top members name the customers erased below; plus
 * the (:Customer) nodes to erase. Then, each on a different customer:
 *
 * - `old`: the erasure query of the previous release (kept verbatim below), which re-reads each
 *   array once per element — O(customers²) per run;
 * - `new`: scrubRunResults of src/graph/entity.repository.ts alone (the runs naming the customer,
 *   then one write transaction per run: position, arrays, community summaries) — O(customers) per run;
 * - `erase`: the whole Neo4jEntityRepository.eraseCustomer (node, arrays, community summaries,
 *   privacy log) in its one write transaction.
 *
 * After each timing the arrays are checked: still aligned, the customer gone.
 *
 *   npx tsx bench/privacy/erase.ts --scenarios 10000x1:old+new+erase@1,100000x10:new+erase@3
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
import { scrubRunResults, Neo4jEntityRepository, RUN_ARRAYS, RUN_STANCE_ARRAYS } from '../../src/graph/entity.repository.js';
import { plain } from '../../src/graph/mappers.js';
import { applySchema } from '../../src/graph/schema.repository.js';
import { startEmbeddedNeo4j } from '../../src/neo4j/embedded.js';

/** The erasure of run results before this release, kept to measure against. */
const OLD_ERASE_FROM_RUN_RESULTS = `
MATCH (res:RunResults) WHERE $id IN res.customerIds
WITH res, [i IN range(0, size(res.customerIds) - 1) WHERE res.customerIds[i] <> $id] AS keep
SET res.customerIds = [i IN keep | res.customerIds[i]],
${[...SCORE_FIELDS, 'participationTier', 'topics'].map((f) => `    res.${f} = CASE WHEN res.${f} IS NULL THEN null ELSE [i IN keep | res.${f}[i]] END`).join(',\n')},
    res.stanceClasses = CASE WHEN res.stanceClasses IS NULL THEN null
      ELSE reduce(acc = [], i IN keep | acc + res.stanceClasses[i * size(res.stanceBrandIds) .. (i + 1) * size(res.stanceBrandIds)]) END,
    res.stanceScores = CASE WHEN res.stanceScores IS NULL THEN null
      ELSE reduce(acc = [], i IN keep | acc + res.stanceScores[i * size(res.stanceBrandIds) .. (i + 1) * size(res.stanceBrandIds)]) END,
    res.stanceLatestNps = CASE WHEN res.stanceLatestNps IS NULL THEN null
      ELSE reduce(acc = [], i IN keep | acc + res.stanceLatestNps[i * size(res.stanceBrandIds) .. (i + 1) * size(res.stanceBrandIds)]) END
RETURN count(res) AS runs`;

type Variant = 'old' | 'new' | 'erase';

const { values: args } = parseArgs({
  options: {
    scenarios: { type: 'string', default: '10000x1:old+new+erase@1,100000x10:new+erase@3' },
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

/** Every kept run still aligned and without the customer. */
async function check(db: GraphDatabase, id: string): Promise<void> {
  const result = await db.read((tx) =>
    tx.run(
      `MATCH (res:RunResults)
       RETURN $id IN res.customerIds AS present, size(res.customerIds) AS n, size(res.stanceBrandIds) AS b,
              [f IN $arrays | size(res[f])] AS sizes, [f IN $stance | size(res[f])] AS stanceSizes`,
      { id, arrays: [...RUN_ARRAYS], stance: [...RUN_STANCE_ARRAYS] },
    ),
  );
  for (const r of result.records) {
    const n = plain(r.get('n')) as number;
    const b = plain(r.get('b')) as number;
    if (r.get('present')) throw new Error(`${id} is still in a run's customerIds`);
    if ((plain(r.get('sizes')) as number[]).some((s) => s !== n)) throw new Error('arrays no longer aligned');
    if ((plain(r.get('stanceSizes')) as number[]).some((s) => s !== n * b)) throw new Error('stance arrays no longer aligned');
  }
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
  const scenarios: { customers: number; runs: number; build: { ms: number; bytesPerRun: number }; timings: Timing[] }[] = [];
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
            const touched =
              variant === 'old'
                ? await db.write(async (tx) => plain((await tx.run(OLD_ERASE_FROM_RUN_RESULTS, { id })).records[0].get('runs')) as number)
                : await scrubRunResults(db, id);
            if (touched !== runs) throw new Error(`${variant} touched ${touched} runs`);
          }
          const ms = Math.round((performance.now() - t0) * 10) / 10;
          await check(db, id);
          timings.push({ variant, customer: id, ms });
          console.log(`  ${variant.padEnd(5)} ${id}: ${ms} ms`);
        }
      }
      scenarios.push({ customers, runs, build: built, timings });
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
  scenarios: { customers: number; runs: number; build: { ms: number; bytesPerRun: number }; timings: Timing[] }[];
}, parts?: { command: string; machine: { before: ReturnType<typeof machine>; after: ReturnType<typeof machine> } }[]): string {
  const lines = [
    `# Erasure of one customer from the kept run results — ${report.startedAt.slice(0, 10)}`,
    '',
    `Command: \`${report.command}\` on code ${report.code.commit}. Each kept run holds ${SCORE_FIELDS.length} score arrays, participationTier, topics and ${report.brands} brands of stance arrays (see the bench's header). \`old\`: the previous release's query; \`new\`: scrubRunResults alone (each run in its own transaction: arrays and community summaries); \`erase\`: the whole erasure (the runs, then node, ties, content and privacy log in one transaction). Each timing erases a different customer; after each, every run's arrays were checked aligned and without the customer.`,
    '',
    '| customers | kept runs | variant | timings (ms) | median (ms) |',
    '|---:|---:|---|---|---:|',
  ];
  for (const s of report.scenarios) {
    for (const variant of ['old', 'new', 'erase'] as Variant[]) {
      const ms = s.timings.filter((t) => t.variant === variant).map((t) => t.ms);
      if (ms.length === 0) continue;
      const sorted = ms.slice().sort((a, b) => a - b);
      const mid = sorted.length / 2;
      const median = sorted.length % 2 ? sorted[Math.floor(mid)] : Math.round(((sorted[mid - 1] + sorted[mid]) / 2) * 10) / 10;
      lines.push(`| ${s.customers.toLocaleString('en-US')} | ${s.runs} | ${variant} | ${ms.join(', ')} | ${median} |`);
    }
  }
  lines.push('', '## Machine', '', `- nproc ${report.machine.before.nproc}; ${report.machine.before.cpu}`, `- memory (free -g): ${report.machine.before.memory}`);
  for (const part of parts ?? [report]) {
    lines.push(`- \`${part.command}\`: load before ${part.machine.before.uptime.replace(/.*load average/, 'load average')}; after ${part.machine.after.uptime.replace(/.*load average/, 'load average')}`);
  }
  lines.push(`- ${report.machine.before.node}; ${report.machine.before.java}`, '');
  return lines.join('\n');
}

await main();
