/**
 * Campaign kernel bench: seed selection speed at 100k customers, and seed quality against CELF
 * and against the naive top-k lists, on generated and on real graphs.
 *
 *   npx tsx bench/campaigns/run.ts --part a [--customers 100000] [--k 50] [--epsilon 0.1]
 *   npx tsx bench/campaigns/run.ts --part b [--customers 10000] [--k 50] [--runs 10000]
 *   npx tsx bench/campaigns/run.ts --part c --real DIR [--runs 10000]
 *   (any part: --model ic|lt, --json FILE writes the figures; parts a and b:
 *    --rule interactions|weighted-cascade|constant:P, default interactions)
 *
 * (a) IMM, k seeds, ε, ℓ = 1, on the generated graph (generator seed 42, see graphs.ts), seeds
 *     restricted as the service does by default (not opted out, not a detractor of b1): wall time
 *     of each step and the process's peak RSS (its maximum resident set: it includes the
 *     generator's own peak, printed separately as the RSS before selection); then the expected
 *     spread of the seeds by 1,000 forward runs.
 * (b) On 10k generated customers, no seed restrictions: IMM, CELF (1,000 runs per estimate), the
 *     top k by PageRank of the attention graph, the top k by audience (diffusion out-degree), all
 *     scored by the same `--runs` forward simulations (seed 2026, other than the selection's 42).
 * (c) The same comparison on real graphs the generator did not make, with the weighted-cascade
 *     rule (p = 1 / in-degree): Zachary's karate club and Les Misérables
 *     (../shared/reference/*.json), and from NetworkX 3.6.1's source distribution on PyPI
 *     (`pip download --no-deps --no-binary :all: networkx==3.6.1`, examples/algorithms/) the
 *     Hartford drug-users network and the WormNet v3 gene network; --real names that folder.
 * Not a test: nothing here asserts a time.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { diffusionGraph, selectSeeds, simulateSpread, type DiffusionGraph, type DiffusionModel, type ProbabilityRule } from '../../src/analytics/campaign/index.js';
import { buildCsr } from '../../src/analytics/csr.js';
import { pagerank } from '../../src/analytics/pagerank.js';
import { generatedGraph, realGraph, type BenchGraph } from './graphs.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const num = (name: string, fallback: number): number => Number(arg(name) ?? fallback);
const part = arg('part') ?? 'a';
const model = (arg('model') ?? 'ic') as DiffusionModel;
const runs = num('runs', 10_000);
/** --rule interactions (default) | weighted-cascade | constant:P — the probability rule of parts a and b. */
function ruleArg(): ProbabilityRule {
  const r = arg('rule') ?? 'interactions';
  if (r === 'weighted-cascade') return { kind: 'weighted-cascade' };
  if (r.startsWith('constant:')) return { kind: 'constant', p: Number(r.slice(9)) };
  return { kind: 'interactions' };
}
const genRule = ruleArg();
const mb = (bytes: number): number => Math.round(bytes / 1048576);
const peakMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
const out: Record<string, unknown> = { part, model, rule: arg('rule') ?? (part === 'c' ? 'weighted-cascade' : 'interactions'), command: `npx tsx bench/campaigns/run.ts ${process.argv.slice(2).join(' ')}`, node: process.version, startedAt: new Date().toISOString() };

/** Wall time and CPU time (user + system, this process) of one call: the machine is shared, so both are printed. */
function timed<T>(label: string, f: () => T): { value: T; seconds: number; cpuSeconds: number } {
  const t = performance.now();
  const c = process.cpuUsage();
  const value = f();
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(c);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(`${label.padEnd(36)} ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU`);
  return { value, seconds, cpuSeconds };
}

function topK(score: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: score.length }, (_, i) => i)
    .sort((a, b) => score[b] - score[a] || a - b)
    .slice(0, k);
}

function compare(bg: BenchGraph, g: DiffusionGraph, k: number): Record<string, unknown> {
  const row: Record<string, unknown> = { graph: bg.name, n: bg.n, diffusionArcs: g.targets.length, k, runs };
  const imm = timed(`IMM k=${k}`, () => selectSeeds(g, { k, model }));
  const celf = timed(`CELF k=${k} (1000 runs/estimate)`, () => selectSeeds(g, { k, model, algorithm: 'celf', celfSimulations: 1000 }));
  const attention = buildCsr(bg.n, bg.src, bg.dst, bg.weight);
  const pr = pagerank(attention, { onNonConvergence: 'return' }).scores;
  const audience = new Float64Array(bg.n);
  for (let u = 0; u < g.n; u++) audience[u] = g.offsets[u + 1] - g.offsets[u];
  const lists: Record<string, number[]> = {
    imm: imm.value.seeds,
    celf: celf.value.seeds,
    pagerank: topK(pr, k),
    audience: topK(audience, k),
  };
  const scores: Record<string, { mean: number; low: number; high: number }> = {};
  for (const [name, seeds] of Object.entries(lists)) {
    const s = simulateSpread(g, seeds, { model, runs, seed: 2026 });
    scores[name] = { mean: round(s.mean), low: round(s.low), high: round(s.high) };
    console.log(`  ${name.padEnd(10)} spread ${s.mean.toFixed(1)} [${s.low.toFixed(1)}, ${s.high.toFixed(1)}]`);
  }
  const ratio = scores.imm.mean / scores.celf.mean;
  console.log(`  IMM / CELF = ${(100 * ratio).toFixed(1)} %`);
  Object.assign(row, {
    immSeconds: round(imm.seconds),
    immCpuSeconds: round(imm.cpuSeconds),
    immSamples: imm.value.samples,
    immCapped: imm.value.capped,
    celfSeconds: round(celf.seconds),
    celfCpuSeconds: round(celf.cpuSeconds),
    scores,
    immOverCelf: round(ratio, 4),
    seeds: bg.n <= 5000 ? lists : undefined,
    immBeatsTopK: scores.imm.mean > scores.pagerank.mean && scores.imm.mean > scores.audience.mean,
  });
  return row;
}

function round(x: number, d = 2): number {
  return Math.round(x * 10 ** d) / 10 ** d;
}

if (part === 'a') {
  const customers = num('customers', 100_000);
  const k = num('k', 50);
  const epsilon = num('epsilon', 0.1);
  const bg = timed(`generate ${customers} customers`, () => generatedGraph(customers, 42)).value;
  const g = timed(`diffusion graph (${genRule.kind} rule)`, () => diffusionGraph(bg.n, bg.src, bg.dst, bg.volume, bg.isTie, genRule)).value;
  const candidates = new Uint8Array(bg.n);
  for (let v = 0; v < bg.n; v++) candidates[v] = bg.optedOut[v] || bg.detractor[v] ? 0 : 1;
  const attentionArcs = bg.src.length;
  Object.assign(bg, { src: null, dst: null, volume: null, isTie: null, weight: null });
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss;
  const peakBefore = peakMb();
  console.log(`attention arcs ${attentionArcs}, diffusion arcs ${g.targets.length}; RSS before selection ${mb(rssBefore)} MB (peak so far ${peakBefore} MB)`);
  let samples = 0;
  const imm = timed(`IMM k=${k} ε=${epsilon}`, () =>
    selectSeeds(g, { k, epsilon, model, candidates, onProgress: (p) => { samples = p.samples; } }),
  );
  const peakAfter = peakMb();
  console.log(`IMM: ${imm.value.samples} RR sets, ${imm.value.sampleMembers} members (θ ${imm.value.targetSamples}, capped ${imm.value.capped}), estimated spread ${imm.value.estimatedSpread.toFixed(0)}; peak RSS ${peakAfter} MB, RSS now ${mb(process.memoryUsage().rss)} MB`);
  const sim = timed('simulateSpread 1000 runs', () => simulateSpread(g, imm.value.seeds, { model, runs: 1000, seed: 2026 })).value;
  console.log(`forward spread ${sim.mean.toFixed(1)} [${sim.low.toFixed(1)}, ${sim.high.toFixed(1)}]`);
  Object.assign(out, {
    customers, attentionArcs, diffusionArcs: g.targets.length, k, epsilon, ell: 1,
    immSeconds: round(imm.seconds), immCpuSeconds: round(imm.cpuSeconds), samples: imm.value.samples || samples, targetSamples: imm.value.targetSamples, capped: imm.value.capped, sampleMembers: imm.value.sampleMembers,
    estimatedSpread: round(imm.value.estimatedSpread), forwardSpread: { mean: round(sim.mean), low: round(sim.low), high: round(sim.high), runs: 1000 },
    rssBeforeSelectionMb: mb(rssBefore), peakRssBeforeSelectionMb: peakBefore, peakRssMb: peakAfter,
  });
} else if (part === 'b') {
  const customers = num('customers', 10_000);
  const k = num('k', 50);
  const bg = timed(`generate ${customers} customers`, () => generatedGraph(customers, 42)).value;
  const g = diffusionGraph(bg.n, bg.src, bg.dst, bg.volume, bg.isTie, genRule);
  out.comparison = [compare(bg, g, k)];
} else if (part === 'c') {
  const dir = arg('real');
  const rule: ProbabilityRule = { kind: 'weighted-cascade' };
  const graphs: [BenchGraph, number][] = [
    [realGraph("Zachary's karate club", '../shared/reference/karate-club.json'), 3],
    [realGraph('Les Misérables co-appearance', '../shared/reference/les-miserables.json'), 5],
  ];
  if (dir) {
    graphs.push([realGraph('Hartford drug users (NetworkX examples)', join(dir, 'hartford_drug.edgelist')), 10]);
    graphs.push([realGraph('WormNet v3 gene network (NetworkX examples)', join(dir, 'WormNet.v3.benchmark.txt')), 20]);
  }
  const rows: Record<string, unknown>[] = [];
  for (const [bg, k] of graphs) {
    console.log(`${bg.name}: ${bg.n} nodes, ${bg.src.length} arcs`);
    rows.push(compare(bg, diffusionGraph(bg.n, bg.src, bg.dst, bg.volume, bg.isTie, rule), k));
  }
  out.comparison = rows;
}
out.peakRssMbAtEnd = peakMb();
const json = arg('json');
if (json) writeFileSync(json, JSON.stringify(out, null, 2) + '\n');
