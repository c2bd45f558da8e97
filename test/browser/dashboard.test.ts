/**
 * The dashboard driven in real headless Chromium (Debian's package, through playwright-core)
 * against the service on the test database: the key prompt and a wrong key, the empty state
 * before any run, then on a generated graph the overview figures (equal to the API's), starting a
 * run and watching it complete, the super users table with a filter and the CSV export, the
 * customer page with its stance evidence and history, the community map (sigma canvas, a community, a member), the database-down state
 * and the campaign planner with "Save as list". Screenshots of each page go to test-results/dashboard/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGeneratedDataset } from '../../src/demo.js';
import { buildApp } from '../../src/app.js';
import { ApiKeyRegistry } from '../../src/domain/api-keys.js';
import { GraphDatabase } from '../../src/graph/database.js';
import { analyse, clearDatabase, createTestApp, get, KEYS, testConfig, type TestContext } from '../integration/helpers.js';
import { CHROMIUM } from './build-web.js';

const SHOTS = 'test-results/dashboard';
const en = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

describe('dashboard in Chromium', () => {
  let ctx: TestContext;
  let browser: Browser;
  let page: Page;
  let base: string;

  const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png` });
  /** Opens a page of the dashboard afresh (a goto that only changes the hash does not reload). */
  const open = async (route: string) => {
    await page.goto(`${base}/app/#${route}`);
    await page.reload();
  };
  const useKey = (key: string) => page.evaluate(`sessionStorage.setItem('influence-graph.api-key', '${key}')`);
  const enterKey = async (key: string) => {
    await page.goto(`${base}/app/#/overview`);
    await page.fill('#api-key', key);
    await page.press('#api-key', 'Enter');
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 800 }, acceptDownloads: true });
  });
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  it('serves the page with cache headers and no key inside it', async () => {
    const index = await fetch(`${base}/app/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    for (const key of Object.values(KEYS)) expect(html).not.toContain(key);
    const asset = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await fetch(base + asset);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${base}/app`, { redirect: 'manual' })).status).toBe(301);
  });

  it('asks for a key, refuses a wrong one, and shows the 401 state for a stale one', async () => {
    await page.goto(`${base}/app/`);
    await page.waitForSelector('#api-key');
    await enterKey('not-a-key');
    await page.getByText('This key is not valid.').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    // A key kept in the tab that the service no longer accepts: back to the prompt, saying why.
    await page.evaluate(`sessionStorage.setItem('influence-graph.api-key', 'revoked-key')`);
    await page.goto(`${base}/app/#/super-users`);
    await page.getByText('no longer valid').waitFor();
    await shot('key-prompt');
  });

  it('shows the empty state before any analytics run', async () => {
    await enterKey(KEYS.read);
    await page.waitForSelector('[data-state="no-run"]');
    await shot('overview-empty');
    await page.goto(`${base}/app/#/super-users`);
    await page.waitForSelector('.results [data-state="no-run"]');
    await page.goto(`${base}/app/#/map`);
    await page.waitForSelector('[data-state="no-run"]');
    await page.goto(`${base}/app/#/customers/c1`);
    await page.waitForSelector('[data-state="no-run"]');
  });

  it('says when the key lacks the scope to start a run', async () => {
    await open('/overview');
    await page.click('#start-run');
    await page.waitForSelector('[data-state="forbidden"]');
  });

  it('shows the overview figures the API answers, and starts a run that completes', async () => {
    await loadGeneratedDataset(ctx.app.services.ingest, 300, 7);
    await analyse(ctx);
    await open('/overview');
    await page.waitForSelector('[data-figure="customers"]');
    const network = (await get(ctx, '/v1/metrics/network')).json();
    expect(await page.textContent('[data-figure="customers"] .value')).toBe(en(network.customers));
    expect(await page.textContent('[data-figure="ties"] .value')).toBe(en(network.ties.follows + network.ties.knows));
    expect(await page.textContent('[data-figure="communities"] .value')).toBe(en(network.communities.count));
    await page.waitForSelector('[data-figure="nps"]');
    await shot('overview');

    // With a write key the button starts a run and follows it to the end.
    await useKey(KEYS.write);
    await page.reload();
    await page.waitForSelector('#start-run');
    const before = (await get(ctx, '/v1/analytics/runs?limit=1')).json().items[0].id;
    await page.click('#start-run');
    // Progress shows while it runs; the page then shows the new run, completed.
    await page.waitForSelector(`[data-run-status="completed"]:not([data-run-id="${before}"])`, { timeout: 120_000 });
    const latest = (await get(ctx, '/v1/analytics/runs?limit=1')).json().items[0];
    expect(latest.id).not.toBe(before);
    expect(latest.status).toBe('completed');
  });

  it('lists super users as the API ranks them, filters them and exports CSV', async () => {
    const api = (await get(ctx, '/v1/super-users?limit=25')).json();
    await page.goto(`${base}/app/#/super-users`);
    await page.waitForSelector('table.ranking tbody tr');
    const ids = await page.$$eval('table.ranking tbody tr', (rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(ids).toEqual(api.items.map((e: { id: string }) => e.id));
    await shot('super-users');

    const segment = api.items.find((e: { segment: string | null }) => e.segment)!.segment as string;
    await page.fill('#f-segment', segment);
    await page.press('#f-segment', 'Enter');
    await page.waitForURL(/segment=/);
    // The URL changes before the page re-renders, so the unfiltered rows can still be on screen (or
    // already replaced by the loading state): wait for the filtered answer, and if it never comes
    // the assertion below says what was shown.
    await page
      .waitForFunction(
        `(() => { const cells = [...document.querySelectorAll('table.ranking tbody tr td:nth-child(3)')];
          return cells.length > 0 && cells.every((c) => c.textContent === ${JSON.stringify(segment)}); })()`,
        undefined,
        { timeout: 15_000 },
      )
      .catch(() => undefined);
    const segments = await page.$$eval('table.ranking tbody tr td:nth-child(3)', (cells) => cells.map((c) => c.textContent));
    expect(new Set(segments)).toEqual(new Set([segment]));

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    const expected = (await get(ctx, `/v1/super-users?segment=${encodeURIComponent(segment)}&format=csv&limit=100000`)).body.trim().split('\n');
    expect(csv).toEqual(expected);
    expect(csv.length).toBeGreaterThan(1);

    // Other lists answer through the same page.
    await page.goto(`${base}/app/#/super-users?tab=trust`);
    await page.waitForSelector('table.ranking[data-tab="trust"] tbody tr');
  });

  it('opens a customer page from the ranking', async () => {
    await page.goto(`${base}/app/#/super-users`);
    // The previous page was the trust tab: wait for the super users' table, not the one still shown.
    const ranking = 'table.ranking[data-tab="super-users"] tbody tr';
    await page.waitForSelector(ranking);
    const first = await page.getAttribute(ranking, 'data-id');
    await page.click(`${ranking}:first-child td:nth-child(2) a`);
    await page.waitForSelector('.metrics');
    expect(page.url()).toContain(`#/customers/${encodeURIComponent(first!)}`);
    const metrics = (await get(ctx, `/v1/customers/${encodeURIComponent(first!)}/metrics`)).json();
    expect(await page.textContent('.metrics')).toContain(`rank ${metrics.influence.rank} of ${en(metrics.influence.of)}`);
    await page.waitForSelector('[data-stance]');
    await shot('customer');
  });

  it('shows a customer’s stance toward each brand with its evidence explained and its history over both runs', async () => {
    await useKey(KEYS.read);
    const detractor = (await get(ctx, '/v1/detractors?limit=1')).json().items[0].id as string;
    const api = (await get(ctx, `/v1/customers/${encodeURIComponent(detractor)}/stance`)).json();
    const primary = api.brands[0];
    expect(primary.evidence.items.length).toBeGreaterThan(0);
    await open(`/customers/${encodeURIComponent(detractor)}`);
    await page.waitForSelector('#customer-stance table.evidence tbody tr');
    expect(await page.getAttribute('#customer-stance .brand-stance', 'data-current-stance')).toBe('detractor');
    const shown = await page.$$eval('#customer-stance table.evidence tbody tr', (rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(shown).toEqual(primary.evidence.items.slice(0, 15).map((x: { id: string }) => x.id));
    // Every item says why it counts; the caption gives the sum the contributions reach.
    const why = await page.$$eval('#customer-stance td.why', (cells) => cells.map((c) => c.textContent ?? ''));
    expect(why.every((w) => /weight/.test(w))).toBe(true);
    const sum = primary.evidence.contributionSum as number;
    expect(await page.textContent('#customer-stance table.evidence caption')).toContain(`${sum > 0 ? '+' : ''}${sum.toLocaleString('en-US', { maximumFractionDigits: 3 })}`);
    if (primary.evidence.items.length > 15) {
      await page.click('text=/Show all \\d+ items/');
      expect(await page.$$eval('#customer-stance table.evidence tbody tr', (rows) => rows.length)).toBe(primary.evidence.items.length);
    }
    // History: one row per kept run (two by now), newest first.
    const runs = await page.$$eval('#customer-stance table.history tbody tr', (rows) => rows.map((r) => r.getAttribute('data-run-id')));
    expect(runs).toEqual(primary.history.map((r: { runId: string }) => r.runId));
    expect(runs).toHaveLength(2);
    await page.waitForSelector('#customer-stance svg.sparkline polyline', { state: 'attached' });
    await page.locator('#customer-stance').screenshot({ path: `${SHOTS}/customer-stance.png` });

    // The brand is chosen by keyboard.
    if (api.brands.length > 1) {
      await page.focus('#customer-stance-brand');
      await page.keyboard.press('ArrowDown');
      await page.waitForSelector(`#customer-stance .brand-stance[data-brand="${api.brands[1].brand}"]`);
    }

    // A customer with nothing about the brand: the empty state says the stance is unknown and why.
    const unknown = (await get(ctx, `/v1/super-users?stance=unknown&brand=${primary.brand}&limit=1`)).json().items[0].id as string;
    const none = (await get(ctx, `/v1/customers/${encodeURIComponent(unknown)}/stance?brand=${primary.brand}`)).json();
    expect(none.brands[0].evidence.items).toEqual([]);
    await open(`/customers/${encodeURIComponent(unknown)}?brand=${primary.brand}`);
    await page.waitForSelector('#customer-stance [data-state="empty"]');
    expect(await page.textContent('#customer-stance [data-state="empty"]')).toContain('No stance evidence');
  });

  it('draws the community map with sigma and opens a community, then a customer', async () => {
    await page.goto(`${base}/app/#/map`);
    await page.waitForSelector('#map-stage canvas');
    const communities = (await get(ctx, '/v1/map/communities')).json();
    expect(Number(await page.getAttribute('#map-stage', 'data-nodes'))).toBe(communities.nodes.length);
    await shot('map');
    const biggest = communities.nodes[0].id;
    await page.click(`.map-list a[href="#/map/${biggest}"]`);
    await page.waitForSelector('#map-stage canvas');
    await page.waitForFunction(`Number(document.querySelector('#map-stage')?.getAttribute('data-nodes')) > 0`);
    await shot('map-community');
    // The community's list links customers; the overall map's list (maybe still shown) links communities.
    const memberLink = '.map-list li a[href^="#/customers/"]';
    await page.waitForSelector(memberLink);
    const member = await page.getAttribute(memberLink, 'href');
    await page.click(memberLink);
    await page.waitForSelector('.metrics');
    expect(page.url()).toContain(member!);
  });

  it('says so when the database is not available', async () => {
    const config = testConfig();
    const down = { reason: undefined as string | undefined };
    const db = new GraphDatabase({ uri: config.NEO4J_URI!, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD, availability: { unavailableReason: () => down.reason } });
    const app = await buildApp(config, { db, apiKeys: new ApiKeyRegistry(config.API_KEYS ?? []), logger: false });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      down.reason = 'restarting';
      const other = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const tab = await browser.newPage();
      await tab.goto(`${other}/app/`);
      await tab.evaluate(`sessionStorage.setItem('influence-graph.api-key', '${KEYS.read}')`);
      await tab.goto(`${other}/app/#/super-users`);
      await tab.waitForSelector('[data-state="unavailable"]');
      await tab.screenshot({ path: `${SHOTS}/database-down.png` });
      await tab.close();
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('plans a campaign, shows seeds and reach against the naive top-k, and saves it as a list', async () => {
    await useKey(KEYS.write);
    await open('/planner');
    await page.fill('#plan-k', '3');
    await page.selectOption('#plan-algorithm', 'celf');
    await page.fill('#plan-simulations', '200');
    await page.click('#plan-run');
    await page.waitForSelector('#plan-seeds tbody tr, section.state.error', { timeout: 120_000 });
    expect(await page.$('section.state.error')).toBeNull();
    expect(await page.$$eval('#plan-seeds tbody tr', (rows) => rows.length)).toBe(3);
    await page.waitForSelector('[data-figure="naive"]');
    await shot('planner');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#plan-export')]);
    expect(readFileSync((await download.path())!, 'utf8').split('\n')[0]).toMatch(/^rank,id,name/);
    await page.waitForFunction(`document.querySelector('#save-campaign')?.options.length > 0`);
    await page.click('text=Save as list');
    await page.getByText(/Saved as list/).waitFor();
    const lists = (await get(ctx, '/v1/influencer-lists')).json();
    expect(lists.items.length).toBeGreaterThan(0);
  });
});
