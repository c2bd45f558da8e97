/**
 * Dashboard through the real service: a copy of a stored customer base (bench/base-store.ts: the
 * generated base with one completed analytics run) under the embedded Neo4j, the service built
 * by buildApp on it, and headless Chromium measuring the time from navigation to a drawn page:
 *
 * - the overview (network figures, NPS and the run drawn: five API calls answered from the
 *   snapshot the service loads from Neo4j),
 * - the community map's aggregated view and one community of about 2,000 members through the
 *   service's /v1/map endpoints (layout stored with the run, read back from Neo4j).
 *
 * Each view: the first render of a fresh service process (snapshot or stored layout read from the
 * database), then the median of 3 renders after it; and the first render in a service started as
 * `npm start` starts it, once its start-up warm-up (snapshot and paths graph) has finished. The layout of the base's run is computed once
 * first (the base store runs analytics without the service, so no layout is stored yet); that
 * time is reported too. Also times GET /v1/customers/{id}/stance (the customer page's stance
 * call) for 10 advocates and 10 detractors. Writes bench/results/dashboard-service-<date>.json.
 *
 *   npx tsx bench/dashboard/service.ts [--base /work/data/base-100k] [--copy /tmp/dashboard-100k] [--keep] [--reuse]
 *
 * --keep leaves the copy (with the layout now stored) for a later --reuse run.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ApiKeyRegistry, hashApiKey } from '../../src/domain/api-keys.js';
import { GraphDatabase } from '../../src/graph/database.js';
import { startEmbeddedNeo4j } from '../../src/neo4j/embedded.js';
import { argValue } from '../args.js';

const PASSWORD = 'bench-password';
const KEY = 'dashboard-bench-key';
const base = path.resolve(argValue('base') ?? '/work/data/base-100k');
const copy = path.resolve(argValue('copy') ?? '/tmp/dashboard-100k');
const log = (m: string) => console.log(`[dashboard ${new Date().toISOString().slice(11, 19)}] ${m}`);
const since = (t: number) => Math.round(performance.now() - t);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (!existsSync(path.join(base, 'base.json'))) throw new Error(`${base} holds no finished base (base.json missing)`);
const baseInfo = JSON.parse(readFileSync(path.join(base, 'base.json'), 'utf8')) as Record<string, unknown>;
// --reuse keeps a copy left by an earlier --keep run (its layout is stored already).
const reuse = process.argv.includes('--reuse') && existsSync(path.join(copy, 'base.json'));
let t = performance.now();
if (!reuse) {
  rmSync(copy, { recursive: true, force: true });
  cpSync(base, copy, { recursive: true });
  log(`copied ${base} to ${copy} in ${since(t)} ms`);
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'dashboard-bench-'));
const config = loadConfig({
  LOG_LEVEL: 'silent',
  NEO4J_URI: 'bolt://127.0.0.1:7687',
  NEO4J_PASSWORD: PASSWORD,
  API_KEYS: `bench:read:${hashApiKey(KEY)}`,
  DEMO_DATA: 'false',
  DATA_DIR: dataDir,
});
t = performance.now();
const neo4j = await startEmbeddedNeo4j({ home: copy, port: 0, password: PASSWORD, heap: '2g', pagecache: '1g' });
log(`Neo4j up in ${since(t)} ms at ${neo4j.uri}`);
const db = new GraphDatabase({ uri: neo4j.uri, user: 'neo4j', password: PASSWORD });

/** A fresh service process state: a new app on the same database. */
async function startService() {
  const app = await buildApp(config, { db, apiKeys: new ApiKeyRegistry(config.API_KEYS!), logger: false });
  await app.readiness.ensureSchema();
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, address };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});

const OVERVIEW_DRAWN = `document.querySelector('[data-figure="customers"]') && document.querySelector('[data-figure="nps"]') && document.querySelector('.run[data-run-status]')`;
const MAP_DRAWN = `Number(document.querySelector('#map-stage')?.dataset.nodes) > 0`;

const ERROR_STATE = `document.querySelector('section.state.error')?.getAttribute('data-state') ?? null`;

/**
 * Time from navigation to the drawn page. When the page shows an error state instead (say a 503
 * while the service is busy loading the run), it is reloaded as a user pressing Retry would, and
 * the time keeps running; the states seen are returned.
 */
async function render(page: Page, address: string, route: string, drawn: string): Promise<{ ms: number; errors: string[] }> {
  await page.goto('about:blank');
  const errors: string[] = [];
  const start = performance.now();
  await page.goto(`${address}/app/#${route}`);
  for (;;) {
    await page.waitForFunction(`(${drawn}) || (${ERROR_STATE})`, undefined, { timeout: 600_000, polling: 20 });
    const state = (await page.evaluate(ERROR_STATE)) as string | null;
    if (state === null) break;
    errors.push(`${state}: ${await page.evaluate(`document.querySelector('section.state.error p')?.textContent`)}`);
    if (errors.length > 20) throw new Error(`${route}: ${errors.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 500));
    await page.reload();
  }
  // One more frame so the page has painted.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(null)))');
  return { ms: since(start), errors };
}

/** First render in a fresh process, then 3 more; returns both. */
async function measure(page: Page, address: string, route: string, drawn: string) {
  const cold = await render(page, address, route, drawn);
  const warm: number[] = [];
  for (let k = 0; k < 3; k++) warm.push((await render(page, address, route, drawn)).ms);
  return { first: cold.ms, firstErrors: cold.errors, warm, median: median(warm) };
}

const result: Record<string, unknown> = { base, baseInfo, load1AtStart: loadavg()[0] };
try {
  // 1. The layout of the base's run: computed once, stored with the run.
  let service = await startService();
  t = performance.now();
  // Computed in the service's worker thread (or read back when a --reuse copy has it stored).
  await service.app.services.layouts.layout();
  result.layoutMs = since(t);
  result.layoutLoad1 = loadavg()[0];
  log(`layout ready (computed and stored, or read back) in ${result.layoutMs} ms, load average ${result.layoutLoad1}`);
  const res = await fetch(`${service.address}/v1/map/communities`, { headers: { authorization: `Bearer ${KEY}` } });
  if (!res.ok) throw new Error(`map: ${res.status} ${await res.text()}`);
  const communities = (await res.json()) as { runId: string; total: number; nodes: { id: number; size: number }[]; edges: unknown[] };
  await service.app.close();

  // 2. A fresh service: snapshot and layout come from Neo4j.
  service = await startService();
  const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
  await page.goto(`${service.address}/app/`);
  await page.evaluate(`sessionStorage.setItem('influence-graph.api-key', ${JSON.stringify(KEY)})`);

  const overview = await measure(page, service.address, '/overview', OVERVIEW_DRAWN);
  log(`overview: first ${overview.first} ms, then ${overview.warm.join(', ')} ms (median ${overview.median})`);
  const customers = await page.evaluate(`document.querySelector('[data-figure="customers"] .value')?.textContent`);
  // The overview's API calls one by one, warm.
  const calls: Record<string, number> = {};
  for (const url of ['/v1/me', '/v1/metrics/network', '/v1/brands?limit=50', '/v1/analytics/runs?limit=5', `/v1/brands/${(baseInfo as { brand?: string }).brand ?? 'b1'}/stance`]) {
    const c0 = performance.now();
    const r = await fetch(service.address + url, { headers: { authorization: `Bearer ${KEY}` } });
    await r.arrayBuffer();
    calls[`${url} (${r.status})`] = since(c0);
  }
  log(`overview calls: ${JSON.stringify(calls)}`);

  const aggregated = await measure(page, service.address, '/map', MAP_DRAWN);
  const aggregatedNodes = await page.evaluate(`document.querySelector('#map-stage')?.dataset.nodes`);
  log(`map aggregated (${aggregatedNodes} nodes): first ${aggregated.first} ms, then ${aggregated.warm.join(', ')} ms (median ${aggregated.median})`);

  const target = [...communities.nodes].sort((a, b) => Math.abs(a.size - 2000) - Math.abs(b.size - 2000))[0];
  const community = await measure(page, service.address, `/map/${target.id}`, MAP_DRAWN);
  const communityNodes = await page.evaluate(`document.querySelector('#map-stage')?.dataset.nodes`);
  log(`map community ${target.id} (${target.size} members, ${communityNodes} drawn): first ${community.first} ms, then ${community.warm.join(', ')} ms (median ${community.median})`);

  // The customer page's stance call on this base: 10 advocates and 10 detractors (who have evidence), after one warm-up call.
  const auth = { authorization: `Bearer ${KEY}` };
  const people: string[] = [];
  for (const side of ['advocates', 'detractors']) {
    const list = (await (await fetch(`${service.address}/v1/${side}?limit=10`, { headers: auth })).json()) as { items: { id: string }[] };
    people.push(...list.items.map((x) => x.id));
  }
  await fetch(`${service.address}/v1/customers/${encodeURIComponent(people[0])}/stance`, { headers: auth });
  const stanceMs: number[] = [];
  const stanceSizes: { items: number; history: number }[] = [];
  for (const id of people) {
    const c0 = performance.now();
    const r = await fetch(`${service.address}/v1/customers/${encodeURIComponent(id)}/stance`, { headers: auth });
    const body = (await r.json()) as { brands: { evidence: { items: unknown[] }; history: unknown[] }[] };
    stanceMs.push(since(c0));
    stanceSizes.push({ items: body.brands.reduce((a, b) => a + b.evidence.items.length, 0), history: body.brands[0]?.history.length ?? 0 });
  }
  const customerStance = { customers: people.length, medianMs: median(stanceMs), maxMs: Math.max(...stanceMs), ms: stanceMs, sizes: stanceSizes };
  log(`GET /v1/customers/{id}/stance: median ${customerStance.medianMs} ms, max ${customerStance.maxMs} ms over ${people.length} customers`);
  await service.app.close();

  // 3. A service started as `npm start` starts it: the snapshot and the paths graph load in the
  // background at start; a user arriving after that warm-up.
  service = await startService();
  t = performance.now();
  service.app.services.snapshots.startPolling();
  await service.app.services.snapshots.warmUp();
  const warmUpMs = since(t);
  await page.goto(`${service.address}/app/`);
  await page.evaluate(`sessionStorage.setItem('influence-graph.api-key', ${JSON.stringify(KEY)})`);
  const afterWarmUp = {
    warmUpMs,
    overview: await render(page, service.address, '/overview', OVERVIEW_DRAWN),
    aggregated: await render(page, service.address, '/map', MAP_DRAWN),
    community: await render(page, service.address, `/map/${target.id}`, MAP_DRAWN),
  };
  log(`after the start-up warm-up (${warmUpMs} ms): overview ${afterWarmUp.overview.ms} ms, map aggregated ${afterWarmUp.aggregated.ms} ms, community ${afterWarmUp.community.ms} ms (first renders)`);
  await service.app.close();

  Object.assign(result, {
    afterWarmUp,
    customerStance,
    overview: { ...overview, customersShown: customers, calls },
    aggregated: { ...aggregated, nodes: Number(aggregatedNodes), communities: communities.total, edges: communities.edges.length },
    community: { ...community, id: target.id, members: target.size, nodes: Number(communityNodes) },
    load1AtEnd: loadavg()[0],
  });
  const date = new Date().toISOString().slice(0, 10);
  const out = new URL(`../results/dashboard-service-${date}.json`, import.meta.url).pathname;
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2));
  log(`wrote ${out}`);
} finally {
  await browser.close();
  await db.close();
  await neo4j.stop();
  if (!process.argv.includes('--keep')) rmSync(copy, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
