/**
 * Prints the measured properties of a generated dataset (the figures in
 * src/generator/README.md):  npx tsx test/unit/generator/measure.ts [customers] [seed]
 * Graph measures are skipped above 200k customers (they build Set-based adjacency).
 */
import { generateDataset } from '../../../src/generator/generate.js';
import { DATASET_KINDS } from '../../../src/generator/types.js';
import {
  averageClustering,
  ccdfLogLogFit,
  followerCounts,
  modularity,
  reciprocity,
  undirectedSimple,
  type TieArrays,
} from './graph-metrics.js';

const customers = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? 1);

const started = performance.now();
const dataset = generateDataset({ customers, seed });
const built = performance.now();
const counts: Record<string, number> = {};
const truth = dataset.groundTruth();
const n = customers;
const cid = (id: string): number => Number(id.slice(1));
const ties: TieArrays = { n, from: new Int32Array(dataset.counts.ties), to: new Int32Array(dataset.counts.ties), kind: new Uint8Array(dataset.counts.ties) };
const amplified = new Float64Array(n);
let amplifiedTotal = 0;
for (const kind of DATASET_KINDS) {
  let c = 0;
  for (const row of dataset.rows(kind)) {
    if (kind === 'ties') {
      const t = row as { from: string; to: string; kind: string };
      ties.from[c] = cid(t.from);
      ties.to[c] = cid(t.to);
      ties.kind[c] = t.kind === 'KNOWS' ? 1 : 0;
    } else if (kind === 'interactions') {
      const x = row as { to: string; kind: string; count: number };
      if (x.kind === 'share' || x.kind === 'mention') {
        amplified[cid(x.to)] += x.count;
        amplifiedTotal += x.count;
      }
    }
    c++;
  }
  counts[kind] = c;
}
const generated = performance.now();

const community = Int32Array.from({ length: n }, (_, i) => truth.communities[`c${String(i).padStart(Math.max(6, String(n - 1).length), '0')}`]);
const followers = followerCounts(ties);
const sortedFollowers = Array.from(followers).sort((a, b) => b - a);
const totalFollowers = sortedFollowers.reduce((s, x) => s + x, 0);
let intra = 0;
for (let t = 0; t < ties.from.length; t++) if (community[ties.from[t]] === community[ties.to[t]]) intra++;
const supers = truth.superUsers.map(cid);
let toSupers = 0;
for (const s of supers) toSupers += amplified[s];
const rank = Array.from({ length: n }, (_, i) => i).sort((a, b) => followers[b] - followers[a] || a - b);
const top2 = new Set(rank.slice(0, 2 * supers.length));

const report: Record<string, unknown> = {
  customers,
  seed,
  modelSeconds: +((built - started) / 1000).toFixed(2),
  allRowsSeconds: +((generated - started) / 1000).toFixed(2),
  rows: counts,
  tiesPerCustomer: +(counts.ties / n).toFixed(2),
  communities: truth.params.communitySizes.length,
  communitySizes: { min: Math.min(...truth.params.communitySizes), max: Math.max(...truth.params.communitySizes) },
  intraCommunityTies: +(intra / ties.from.length).toFixed(3),
  reciprocity: +reciprocity(ties).toFixed(3),
  followers: {
    mean: +(totalFollowers / n).toFixed(2),
    max: sortedFollowers[0],
    top1PercentShare: +(sortedFollowers.slice(0, Math.ceil(n / 100)).reduce((s, x) => s + x, 0) / totalFollowers).toFixed(3),
    ccdfFit: ccdfLogLogFit(followers, Math.ceil(totalFollowers / n)),
  },
  superUsers: supers.length,
  superUsersInTop2xByFollowers: +(supers.filter((s) => top2.has(s)).length / supers.length).toFixed(3),
  amplificationToSuperUsers: +(toSupers / amplifiedTotal).toFixed(3),
};
if (n <= 200_000) {
  const adj = undirectedSimple(ties);
  report.modularityOfPlanted = +modularity(adj, community).toFixed(3);
  report.averageClustering = +averageClustering(adj).toFixed(3);
  report.maxDegreeUndirected = Math.max(...adj.map((a) => a.length));
}
report.rssMB = Math.round(process.memoryUsage().rss / 1e6);
console.log(JSON.stringify(report, null, 2));
