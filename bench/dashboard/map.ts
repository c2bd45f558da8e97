/**
 * Community map bench: on a generated base (default 100k customers, built without Neo4j by
 * bench/campaigns/graphs.ts), times the server side — the ForceAtlas2 layout the service computes
 * once per run and the community aggregation — then serves the built dashboard with the two map
 * views from those figures and measures, in headless Chromium, the time from navigation to a drawn
 * sigma canvas for the aggregated view and for one community of about 2,000 members. Also reports
 * the gzipped bundle size. The browser part stands the /v1 answers in with the computed views, so
 * it measures the page, not the database.
 *
 *   npx tsx bench/dashboard/map.ts [customers=100000] [seed=1]
 */
import Fastify from 'fastify';
import fastifyStatic from '@fastify/static';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { buildCsr } from '../../src/analytics/csr.js';
import { forceAtlas2Layout } from '../../src/analytics/layout.js';
import { aggregateCommunities } from '../../src/analytics/layout-aggregate.js';
import { generatedGraph } from '../campaigns/graphs.js';

const customers = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
const ms = (t: number) => Math.round(performance.now() - t);

const t0 = performance.now();
const g = generatedGraph(customers, seed);
const csr = buildCsr(g.n, g.src, g.dst, g.weight);
console.log(`graph: ${g.n} customers, ${csr.m} arcs (${ms(t0)} ms to generate)`);

// What the service's layout worker does (src/domain/layout.worker.ts), here on the main thread.
let t = performance.now();
const rssBefore = process.memoryUsage().rss;
const { x, y, iterations } = forceAtlas2Layout(csr, { seed: 1 });
const layoutMs = ms(t);
console.log(`layout: ${iterations} ForceAtlas2 iterations (graph build included) in ${layoutMs} ms, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB (+${Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20)} MB)`);

t = performance.now();
const agg = aggregateCommunities(csr, g.community, x, y);
const aggregateMs = ms(t);
console.log(`aggregation: ${agg.communities.length} communities, ${agg.ties.length} community ties in ${aggregateMs} ms`);

// The community nearest 2,000 members.
const target = [...agg.communities].sort((a, b) => Math.abs(a.size - 2000) - Math.abs(b.size - 2000))[0];
const memberIdx: number[] = [];
for (let i = 0; i < g.n; i++) if (g.community[i] === target.id) memberIdx.push(i);
const inTarget = new Set(memberIdx);
const memberEdges: { source: string; target: string; weight: number }[] = [];
for (const u of memberIdx) for (let a = csr.outOffsets[u]; a < csr.outOffsets[u + 1]; a++) {
  const v = csr.outTargets[a];
  if (u < v && inTarget.has(v)) memberEdges.push({ source: `c${u}`, target: `c${v}`, weight: 1 });
}
const views = {
  communities: {
    runId: 'bench', computedAt: new Date().toISOString(), customers: g.n, total: agg.communities.length,
    nodes: agg.communities.slice(0, 500).map((c) => ({ ...c, influence: 50, detractors: 0, topMember: null })),
    edges: agg.ties.map((e) => ({ source: String(e.source), target: String(e.target), weight: e.weight })),
  },
  community: {
    runId: 'bench', computedAt: new Date().toISOString(), community: target.id, total: memberIdx.length,
    nodes: memberIdx.map((i) => ({ id: `c${i}`, name: null, x: x[i], y: y[i], influence: (i % 100) + 1, community: target.id, detractor: g.detractor[i] === 1 })),
    edges: memberEdges,
  },
};
const kept = new Set(views.communities.nodes.map((n) => String(n.id)));
views.communities.edges = views.communities.edges.filter((e) => kept.has(e.source) && kept.has(e.target));

const app = Fastify();
await app.register(fastifyStatic, { root: new URL('../../dist/web', import.meta.url).pathname, prefix: '/app/' });
app.get('/v1/me', async () => ({ name: 'bench', scope: 'read' }));
app.get('/v1/map/communities', async () => views.communities);
app.get('/v1/map/communities/:id', async () => views.community);
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
await page.goto(`${base}/app/`);
await page.evaluate(`sessionStorage.setItem('influence-graph.api-key', 'bench')`);
async function firstRender(route: string): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < 3; k++) {
    await page.goto('about:blank');
    const start = performance.now();
    await page.goto(`${base}/app/#${route}`);
    await page.waitForFunction(`Number(document.querySelector('#map-stage')?.dataset.nodes) > 0`, undefined, { timeout: 120_000 });
    // One more frame so sigma has painted.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(null)))');
    times.push(Math.round(performance.now() - start));
  }
  return times.sort((a, b) => a - b)[1];
}
const aggregatedMs = await firstRender('/map');
const communityMs = await firstRender(`/map/${target.id}`);
await browser.close();
await app.close();

const assets = new URL('../../dist/web/assets/', import.meta.url).pathname;
const gz = readdirSync(assets).reduce((s, f) => s + gzipSync(readFileSync(assets + f)).length, 0);
console.log(`browser: aggregated view (${views.communities.nodes.length} communities, ${views.communities.edges.length} edges) first render ${aggregatedMs} ms (median of 3)`);
console.log(`browser: community ${target.id} (${memberIdx.length} members, ${memberEdges.length} edges) first render ${communityMs} ms (median of 3)`);
console.log(`bundle: ${Math.round(gz / 1024)} kB gzipped`);
