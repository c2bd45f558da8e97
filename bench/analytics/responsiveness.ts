/**
 * Responsiveness during an analytics run's scoring: GET /health latency (autocannon at a fixed
 * rate, from this process, against a Fastify server in this process) while the scoring phases of a run compute on a
 * generated projection — once in a worker thread (as runs do) and once on the event loop (as
 * runs did), plus the event-loop delay in each case. Closeness/harmonic and betweenness run
 * sampled, as at scale. Not a test: no assertion on time.
 *
 *   npx tsx bench/analytics/responsiveness.ts [--customers 100000] [--arcs-per-customer 13] [--rate 200]
 *
 * Writes bench/results/responsiveness-<date>.md and .json.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { createRng } from '../../src/analytics/index.js';
import type { Projection } from '../../src/domain/projection.js';
import { runScoringInWorker } from '../../src/domain/run-worker.runner.js';
import { runScoringTask } from '../../src/domain/run-worker-task.js';
import { RunParamsSchema } from '../../src/domain/scoring.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CUSTOMERS = arg('customers', 100_000);
const PER = arg('arcs-per-customer', 13);
const RATE = arg('rate', 200);
const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');

function projection(n: number, per: number): Projection {
  const rng = createRng(1);
  const m = n * per;
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  let k = 0;
  for (let u = 0; u < n; u++) {
    for (let j = 0; j < per; j++) {
      const v = Math.floor(n * rng.next() ** 2);
      if (v === u) continue;
      src[k] = u;
      dst[k++] = v;
    }
  }
  const ints = () => new Int32Array(n);
  return {
    ids: Array.from({ length: n }, (_, i) => `c${i}`),
    optedOut: new Uint8Array(n),
    previousCommunity: new Int32Array(n).fill(-1),
    src: src.slice(0, k),
    dst: dst.slice(0, k),
    weight: new Float64Array(k).fill(1),
    isTie: new Uint8Array(k).fill(1),
    followers: ints(),
    following: ints(),
    interactionsReceived: ints(),
    interactionsGiven: ints(),
    posts: ints(),
    engagementsReceived: ints(),
    engagementsGiven: ints(),
    topics: Array.from({ length: n }, () => []),
    amplificationReceived: new Float64Array(n),
    amplificationGiven: new Float64Array(n),
    positiveVolume: new Float64Array(k),
    negativeVolume: new Float64Array(k),
    brands: [],
    evidence: [],
    lastPurchaseAt: new Float64Array(n).fill(NaN),
    asOf: '2026-01-01T00:00:00.000Z',
    counts: { follows: k, knows: 0, interactions: 0 },
  };
}

async function measure(base: string, mode: 'worker' | 'event loop', scoring: () => Promise<unknown>) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  let done = false;
  const work = scoring().finally(() => (done = true));
  const latencies: number[] = [];
  let errors = 0;
  // Fixed-rate /health requests until the scoring ends (a few seconds at least).
  let finished: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (finished = resolve));
  const load = autocannon({ url: `${base}/health`, connections: 10, overallRate: RATE, duration: 3600 }, () => finished());
  load.on('response', (_c: unknown, status: number, _b: unknown, rt: number) => {
    if (status !== 200) errors++;
    latencies.push(rt);
  });
  await work;
  const scoringSeconds = (performance.now() - started) / 1000;
  load.stop();
  await stopped;
  delay.disable();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN) * 10) / 10;
  void done;
  return {
    mode,
    scoringSeconds: Math.round(scoringSeconds * 10) / 10,
    healthRequests: latencies.length,
    p50: q(0.5),
    p99: q(0.99),
    max: Math.round((latencies.at(-1) ?? NaN) * 10) / 10,
    errors,
    eventLoopDelayMaxMs: Math.round(delay.max / 1e6),
    load: Math.round(loadavg()[0] * 100) / 100,
  };
}

async function main(): Promise<void> {
  const app = Fastify();
  app.get('/health', async () => ({ status: 'ok' }));
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const params = RunParamsSchema.parse({
    algorithms: ['degree', 'pagerank', 'betweenness', 'closeness', 'harmonic', 'kcore', 'wcc', 'louvain'],
    betweenness: { samples: 64 },
    closeness: { samples: 256 },
  });
  console.log(`projection: ${CUSTOMERS} customers, ~${CUSTOMERS * PER} arcs`);
  const rows = [];
  // Projections are built before each measurement, so only the scoring runs while /health is timed.
  const forWorker = projection(CUSTOMERS, PER);
  rows.push(await measure(base, 'worker', () => runScoringInWorker({ projection: forWorker, params, previousMaxCommunityId: -1 })));
  console.log(rows.at(-1));
  const p = projection(CUSTOMERS, PER);
  rows.push(
    await measure(base, 'event loop', async () => {
      // As runs did before: phases on the event loop, a turn of the loop between phases.
      await new Promise((r) => setImmediate(r));
      return runScoringTask({ projection: p, params, previousMaxCommunityId: -1 }, () => undefined);
    }),
  );
  console.log(rows.at(-1));
  await app.close();
  const sh = (c: string) => execSync(c, { encoding: 'utf8' }).trim();
  const machine = { nproc: sh('nproc'), cpu: sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"), node: process.version, uptime: sh('uptime') };
  const date = new Date().toISOString().slice(0, 10);
  const command = `npx tsx bench/analytics/responsiveness.ts --customers ${CUSTOMERS} --arcs-per-customer ${PER} --rate ${RATE}`;
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, `responsiveness-${date}.json`), JSON.stringify({ command, date, rows, machine }, null, 2));
  const table = rows
    .map((r) => `| ${r.mode} | ${r.scoringSeconds} | ${r.healthRequests} | ${r.p50} | ${r.p99} | ${r.max} | ${r.errors} | ${r.eventLoopDelayMaxMs} | ${r.load} |`)
    .join('\n');
  writeFileSync(
    path.join(RESULTS, `responsiveness-${date}.md`),
    `# Responsiveness during a run's scoring — ${date}

Command: \`${command}\`

GET /health on a Fastify server in the same process at ${RATE} requests/s (autocannon in the
same process) while the scoring phases of a run (degree, PageRank, betweenness 64 sampled sources,
closeness + harmonic 256 sampled sources, k-core, components, Louvain) compute on a generated
projection of ${CUSTOMERS} customers — in a worker thread (as runs do now) and on the event loop
(as runs did before).

| scoring on | scoring s | /health answered | p50 ms | p99 ms | max ms | errors | event-loop delay max ms | load (1 min) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${table}

Machine: ${machine.nproc} cores (${machine.cpu}), Node ${machine.node}; \`${machine.uptime}\`. Other work shared the machine.

On the event loop no /health request is answered until the scoring ends (the requests sent
meanwhile wait, and the measurement stops with the scoring): the whole scoring is one blocked
turn of the loop, as its event-loop delay shows. In a worker thread the requests are answered at
their usual latency throughout.
`,
  );
  console.log(`wrote bench/results/responsiveness-${date}.md`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
