import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGeneratedDataset } from '../../src/demo.js';
import { buildServices } from '../../src/app.js';
import { generateDataset } from '../../src/generator/generate.js';
import { CustomerMetricsSchema, SuperUserPageSchema } from '../../src/http/routes/insights.routes.js';
import { analyse, auth, clearDatabase, createTestApp, get, post, type TestContext } from './helpers.js';

const T = '2026-06-01T10:00:00Z';

/**
 * Two groups joined by one bridge:
 *   group A: a1..a5 all follow hub "ha"; a1..a5 know each other in a ring
 *   group B: b1..b4 all follow hub "hb"; b1..b4 know each other in a ring
 *   "br" knows a1 and b1 (the only path between the groups); "oo" (opted out) follows ha
 *   ha receives shares from a1..a3; c1 is alone.
 */
const A = ['a1', 'a2', 'a3', 'a4', 'a5'];
const B = ['b1', 'b2', 'b3', 'b4'];

async function loadHandGraph(ctx: TestContext) {
  await post(ctx, 'brands', [{ id: 'br1', name: 'Brand' }]);
  await post(ctx, 'products', [{ id: 'p1', name: 'Shoe', brandId: 'br1' }]);
  await post(ctx, 'customers', [
    ...['ha', ...A].map((id) => ({ id, segment: 'vip', region: 'eu' })),
    ...['hb', ...B].map((id) => ({ id, segment: 'consumer', region: 'us' })),
    { id: 'br', segment: 'consumer', region: 'eu' },
    { id: 'oo', optedOut: true, region: 'eu' },
    { id: 'c1', region: 'eu' },
  ]);
  const ring = (ids: string[]) => ids.map((id, i) => ({ from: id, to: ids[(i + 1) % ids.length], kind: 'KNOWS' }));
  await post(ctx, 'ties', [
    ...A.map((id) => ({ from: id, to: 'ha', kind: 'FOLLOWS' })),
    ...B.map((id) => ({ from: id, to: 'hb', kind: 'FOLLOWS' })),
    ...ring(A),
    ...ring(B),
    { from: 'br', to: 'a1', kind: 'KNOWS' },
    { from: 'br', to: 'b1', kind: 'KNOWS' },
    { from: 'oo', to: 'ha', kind: 'FOLLOWS' },
  ]);
  await post(ctx, 'interactions', ['a1', 'a2', 'a3'].map((id) => ({ from: id, to: 'ha', kind: 'share', at: T, count: 2, sentiment: 0.5 })));
  // Social proof for a1: a2 (knows) bought p1 happily, ha (followed) complained, a5 (knows) clicked.
  await post(ctx, 'engagements', [
    { customerId: 'a2', targetKind: 'product', targetId: 'p1', kind: 'purchase', at: T, sentiment: 0.8 },
    { customerId: 'ha', targetKind: 'product', targetId: 'p1', kind: 'complaint', at: T, sentiment: -0.7 },
    { customerId: 'a5', targetKind: 'brand', targetId: 'br1', kind: 'like', at: T },
    { customerId: 'oo', targetKind: 'product', targetId: 'p1', kind: 'purchase', at: T, sentiment: 0.9 },
  ]);
}

describe('insights on a hand-built graph', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await loadHandGraph(ctx);
  });
  afterAll(async () => ctx.close());

  it('answers 409 before any analytics run has completed', async () => {
    const res = await get(ctx, '/v1/super-users');
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('NO_COMPLETED_RUN');
  });

  it('ranks the hub first with exact reach and explains why; never lists opted-out customers', async () => {
    await analyse(ctx);
    const res = await get(ctx, '/v1/super-users?limit=20');
    expect(res.statusCode).toBe(200);
    const page = res.json();
    // The route serialises with JSON.stringify for speed; the payload must still match its schema.
    expect(SuperUserPageSchema.strict().parse(page)).toBeTruthy();
    expect(page.weights).toEqual({ pagerank: 0.4, reach: 0.25, amplification: 0.25, bridging: 0.1 });
    const top = page.items[0];
    expect(top.id).toBe('ha');
    // ha: followed by a1..a5 and oo (6 people at 1 hop); a1..a5's own audiences add br (2 hops).
    expect(top.reach1).toBe(6);
    expect(top.reach2).toBe(7);
    expect(top.explanation).toMatch(/^#1, influence/);
    expect(top.components.amplification.value).toBeGreaterThan(0);
    const ids = page.items.map((e: { id: string }) => e.id);
    expect(ids).not.toContain('oo');
    expect(ids).toHaveLength(13);
    expect(page.items.map((e: { rank: number }) => e.rank)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });

  it('puts the gateways between the groups first when only bridging counts, and filters by segment, region and reach', async () => {
    // Every path between the groups runs a1 – br – b1; a1 also sits between the larger group and the rest.
    const bridging = (await get(ctx, '/v1/super-users?bridgingWeight=1&limit=3')).json();
    expect(bridging.items[0].id).toBe('a1');
    expect(bridging.items.map((e: { id: string }) => e.id).sort()).toEqual(['a1', 'b1', 'br']);
    expect(bridging.weights).toEqual({ pagerank: 0, reach: 0, amplification: 0, bridging: 1 });
    const us = (await get(ctx, '/v1/super-users?region=us')).json();
    expect(us.items.map((e: { id: string }) => e.id).sort()).toEqual(['b1', 'b2', 'b3', 'b4', 'hb']);
    const vip = (await get(ctx, '/v1/super-users?segment=vip&minReach=7')).json();
    expect(vip.items.map((e: { id: string }) => e.id)).toEqual(['ha']);
    const sorted = (await get(ctx, '/v1/super-users?sort=reach&limit=1')).json();
    expect(sorted.items[0].id).toBe('ha');
    const bad = await get(ctx, '/v1/super-users?pagerankWeight=0&reachWeight=0&amplificationWeight=0&bridgingWeight=0');
    expect(bad.statusCode).toBe(400);
  });

  it('pages with a cursor through the same order', async () => {
    const all = (await get(ctx, '/v1/super-users?limit=100')).json().items.map((e: { id: string }) => e.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await get(ctx, `/v1/super-users?limit=4${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...page.items.map((e: { id: string }) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('exports the same ranking as CSV', async () => {
    const json = (await get(ctx, '/v1/super-users?limit=100')).json().items;
    const res = await get(ctx, '/v1/super-users?format=csv&limit=100');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe(
      'rank,id,name,handle,segment,region,community,participationTier,influence,pagerank,pagerankPercentile,reach1,reach2,reachPercentile,amplification,amplificationPercentile,betweenness,bridgingPercentile,explanation',
    );
    expect(lines).toHaveLength(json.length + 1);
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(json.map((e: { id: string }) => e.id));
    // The explanation contains commas, so it is quoted.
    expect(lines[1]).toMatch(/,"#1, influence [^"]+"$/);
  });

  it('gives a customer’s metrics with percentiles and tiers', async () => {
    const res = await get(ctx, '/v1/customers/ha/metrics');
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(CustomerMetricsSchema.strict().parse(m)).toBeTruthy();
    expect(m.followers).toBe(6);
    expect(m.following).toBe(0);
    expect(m.reach.oneHop.value).toBe(6);
    expect(m.reach.twoHops.value).toBe(7);
    expect(m.amplification.interactionsReceived).toBe(6);
    expect(m.influence.rank).toBe(1);
    expect(m.centralities.pagerank.percentile).toBeGreaterThan(90);
    expect(m.centralities.inDegree.value).toBe(6);
    expect(m.community.size).toBeGreaterThanOrEqual(6);
    expect(['creator', 'contributor', 'lurker']).toContain(m.participationTier);
    expect((await get(ctx, '/v1/customers/oo/metrics')).statusCode).toBe(409);
    expect((await get(ctx, '/v1/customers/nobody/metrics')).statusCode).toBe(404);
  });

  it('reports changes since the previous run', async () => {
    await post(ctx, 'ties', [{ from: 'c1', to: 'ha', kind: 'FOLLOWS' }]);
    await analyse(ctx);
    const m = (await get(ctx, '/v1/customers/ha/metrics')).json();
    expect(m.reach.oneHop).toMatchObject({ value: 7, previous: 6, change: 1 });
    expect(m.previousRunId).toBeTruthy();
  });

  it('counts social proof among a customer’s connections', async () => {
    const res = await get(ctx, '/v1/customers/a1/social-proof?target=product:p1');
    expect(res.statusCode, res.body).toBe(200);
    const proof = res.json();
    // a1 follows ha and knows a2, a5 and br: 4 connections; a2 and ha engaged with p1, only a2 positively.
    expect(proof).toMatchObject({ connections: 4, engaged: 2, positive: 1, engagedShare: 0.5, positiveShare: 0.25 });
    expect(proof.closest.map((c: { id: string }) => c.id)).toEqual(['a2', 'ha']);
    expect(proof.closest[0]).toMatchObject({ tie: { kind: 'KNOWS' }, engagement: { kind: 'purchase', positive: true } });
    expect(proof.message).toBe('1 of your 4 connections like this');
    const brand = (await get(ctx, '/v1/customers/a1/social-proof?target=brand:br1')).json();
    expect(brand, JSON.stringify(brand)).toMatchObject({ engaged: 3, positive: 2 });
    // ha's audience includes the opted-out customer: counted, never named.
    const hub = (await get(ctx, '/v1/customers/ha/social-proof?target=product:p1')).json();
    expect(hub.connections).toBe(0);
    expect((await get(ctx, '/v1/customers/a1/social-proof?target=planet:x')).statusCode).toBe(400);
    expect((await get(ctx, '/v1/customers/a1/social-proof?target=product:nope')).statusCode).toBe(404);
  });

  it('reads back from the database the same snapshot the run built in memory', async () => {
    // A second service instance (another process, or this one after a restart) loads the last run from Neo4j.
    const other = buildServices(ctx.config, ctx.db);
    const fromDatabase = await other.superUsers.list({ limit: 100 });
    const inMemory = await ctx.app.services.superUsers.list({ limit: 100 });
    expect(fromDatabase).toEqual(inMemory);
    expect(await other.insights.customerMetrics('ha')).toEqual(await ctx.app.services.insights.customerMetrics('ha'));
  });

  it('summarises communities and the network', async () => {
    const list = (await get(ctx, '/v1/communities')).json();
    expect(list.total).toBeGreaterThanOrEqual(2);
    const biggest = list.items[0];
    expect(biggest.size).toBeGreaterThanOrEqual(5);
    expect(biggest.density).toBeGreaterThan(0);
    expect(biggest.topMembers.map((m: { id: string }) => m.id)).not.toContain('oo');
    const one = await get(ctx, `/v1/communities/${biggest.id}`);
    expect(one.json()).toMatchObject({ id: biggest.id, size: biggest.size });
    expect(biggest.growth).toBe(biggest.size - biggest.previousSize);
    expect((await get(ctx, '/v1/communities/99999')).statusCode).toBe(404);

    const net = (await get(ctx, '/v1/metrics/network')).json();
    expect(net.customers).toBe(14);
    expect(net.ties).toEqual({ follows: 11, knows: 11 });
    // Tie arcs: 11 FOLLOWS + 2 × 11 KNOWS = 33 over 14 · 13 ordered pairs.
    expect(net.density).toBeCloseTo(33 / 182, 10);
    // Reciprocated arcs: the 22 KNOWS arcs of 33.
    expect(net.reciprocity).toBeCloseTo(22 / 33, 10);
    expect(net.components).toEqual({ count: 1, largest: 14 });
    expect(net.degreeDistribution.reduce((a: number, b: { customers: number }) => a + b.customers, 0)).toBe(14);
    expect(net.timings.map((t: { phase: string }) => t.phase)).toContain('pagerank');
  });
});

describe('super users on generated data', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await loadGeneratedDataset(ctx.app.services.ingest, 3000, 11);
    await analyse(ctx);
  });
  afterAll(async () => ctx.close());

  it('finds at least 80% of the planted super users in the top list', async () => {
    const dataset = generateDataset({ customers: 3000, seed: 11 });
    const truth = dataset.groundTruth();
    const optedOut = new Set([...dataset.rows('customers')].filter((c) => c.optedOut).map((c) => c.id));
    // Opted-out customers are never listed, planted or not.
    const listable = truth.superUsers.filter((id) => !optedOut.has(id));
    const size = 2 * truth.superUsers.length;
    const page = (await get(ctx, `/v1/super-users?limit=${size}`)).json();
    const top = new Set(page.items.map((e: { id: string }) => e.id));
    const found = listable.filter((id) => top.has(id)).length;
    expect(found / listable.length).toBeGreaterThanOrEqual(0.8);
  });
});
