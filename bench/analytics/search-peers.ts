/**
 * Sampled betweenness per source, the kernel beside igraph (C) on the same graph and sources, in
 * one run; and the kernel's closeness and harmonic searches, which share its level-ordered BFS.
 *
 *   npx tsx bench/analytics/search-peers.ts --nodes 1000000 --edges 10000000 [--sources 8] [--seed 1] [--python PATH]
 *
 * The graph is bench/analytics/ba-graph.ts's (merged into a simple graph by buildCsr, and igraph is
 * given exactly those arcs). The sources are the kernel's own seeded sample; igraph computes its
 * subset betweenness from them (`Graph.betweenness(sources=…)`), whose per-node sums, scaled as
 * the kernel scales a sample, must equal the kernel's scores — the bench prints the largest
 * relative difference. `--python` names an interpreter with python-igraph and numpy (for example
 * a virtual environment: `python3 -m venv /tmp/peers && /tmp/peers/bin/pip install igraph numpy`).
 * Wall times of the calls alone; each side runs once, on its own, one after the other. Not a test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { betweenness, buildCsr, closenessAndHarmonic, createRng } from '../../src/analytics/index.js';
import { sampleWithoutReplacement } from '../../src/analytics/random.js';
import { argValue, intArg } from '../args.js';
import { barabasiAlbert } from './ba-graph.js';

const nodes = intArg('nodes', 1_000_000);
const edges = intArg('edges', 10_000_000);
const k = intArg('sources', 8);
const seed = intArg('seed', 1);
const python = argValue('python') ?? 'python3';

const { src, dst } = barabasiAlbert(nodes, edges, seed);
const g = buildCsr(nodes, src, dst);
const n = g.n;
console.log(`search peers: ${n} nodes, ${g.m} arcs (BA-like, directed, seed ${seed}), ${k} sampled sources, node ${process.version}`);

const folder = mkdtempSync(join(tmpdir(), 'search-peers-'));
try {
  // The merged arcs, as igraph will hold them.
  const file = new Int32Array(2 + 2 * g.m);
  file[0] = n;
  file[1] = g.m;
  for (let u = 0; u < n; u++) {
    for (let p = g.outOffsets[u]; p < g.outOffsets[u + 1]; p++) {
      file[2 + p] = u;
      file[2 + g.m + p] = g.outTargets[p];
    }
  }
  writeFileSync(join(folder, 'graph.bin'), file);
  const sources = sampleWithoutReplacement(n, k, createRng(seed));
  writeFileSync(join(folder, 'sources.bin'), sources);

  let t0 = performance.now();
  const ours = betweenness(g, { k, seed });
  const oursSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const distances = closenessAndHarmonic(g, { samples: k, seed });
  const distanceSeconds = (performance.now() - t0) / 1000;

  const peer = JSON.parse(execFileSync(python, [join(import.meta.dirname, 'search_peers_igraph.py'), folder], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!) as {
    igraph: string;
    loadSeconds: number;
    betweennessSeconds: number;
  };
  const raw = readFileSync(join(folder, 'igraph-sums.bin'));
  const sums = new Float64Array(raw.buffer, raw.byteOffset, n);
  // The kernel's scaling of a sample (betweenness.ts): a sampled source by 1/((k−1)(n−2)), any other node by 1/(k(n−2)).
  const isSource = new Uint8Array(n);
  for (const s of sources) isSource[s] = 1;
  let maxRelative = 0;
  for (let v = 0; v < n; v++) {
    const expected = sums[v] / ((isSource[v] ? k - 1 : k) * (n - 2));
    const scale = Math.max(Math.abs(expected), 1e-300);
    maxRelative = Math.max(maxRelative, Math.abs(ours.scores[v] - expected) / scale);
  }
  const row = (label: string, seconds: number, detail: string) => console.log(`${label.padEnd(44)} ${seconds.toFixed(2).padStart(8)} s  ${(seconds / k).toFixed(3).padStart(7)} s/source  ${detail}`);
  row('kernel: betweenness', oursSeconds, `relativeErrorTop median ${ours.relativeErrorTop?.median.toFixed(3)}`);
  row(`igraph ${peer.igraph}: betweenness from the same sources`, peer.betweennessSeconds, `(graph load ${peer.loadSeconds.toFixed(1)} s)`);
  row('kernel: closeness + harmonic (same count)', distanceSeconds, `closeness samples ${distances.closeness.samples}`);
  console.log(`kernel ÷ igraph, betweenness: ${(oursSeconds / peer.betweennessSeconds).toFixed(2)}; largest relative difference of the scores: ${maxRelative.toExponential(2)}`);
  console.log(`peak RSS of this process ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
