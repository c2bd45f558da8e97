import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGeneratedDataset } from '../../src/demo.js';
import { generateDataset } from '../../src/generator/generate.js';
import { analyse, auth, clearDatabase, createTestApp, get, post, runScores, type TestContext } from './helpers.js';

/**
 * Brand "acme". Promoters p1 (10), p2 (9); passive m1 (8); detractors d1 (2), d2 (5); q1 answered
 * nothing but complained loudly; n1 has no evidence at all. Everyone follows p1 (so p1 is the most
 * influential), d1 is followed by d2 and n1.
 */
const AT = '2026-05-01T12:00:00Z';

async function loadHandGraph(ctx: TestContext) {
  await post(ctx, 'brands', [{ id: 'acme', name: 'Acme' }]);
  const people = ['p1', 'p2', 'm1', 'd1', 'd2', 'q1', 'n1'];
  await post(ctx, 'customers', people.map((id) => ({ id, name: id.toUpperCase() })));
  await post(ctx, 'ties', [
    ...people.filter((id) => id !== 'p1').map((id) => ({ from: id, to: 'p1', kind: 'FOLLOWS' })),
    { from: 'd2', to: 'd1', kind: 'FOLLOWS' },
    { from: 'n1', to: 'd1', kind: 'FOLLOWS' },
    { from: 'p2', to: 'm1', kind: 'KNOWS' },
  ]);
  await post(ctx, 'ratings', [
    { customerId: 'p1', brandId: 'acme', score: 10, at: AT },
    { customerId: 'p2', brandId: 'acme', score: 9, at: AT },
    { customerId: 'm1', brandId: 'acme', score: 8, at: AT },
    { customerId: 'd1', brandId: 'acme', score: 2, at: AT },
    { customerId: 'd2', brandId: 'acme', score: 5, at: AT },
  ]);
  await post(ctx, 'engagements', [
    { customerId: 'q1', targetKind: 'brand', targetId: 'acme', kind: 'complaint', at: AT, sentiment: -0.9 },
    { customerId: 'q1', targetKind: 'brand', targetId: 'acme', kind: 'complaint', at: AT, sentiment: -0.8 },
  ]);
}

describe('stance on a hand-built graph', () => {
  let ctx: TestContext;
  let first: string;
  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await loadHandGraph(ctx);
    first = (await analyse(ctx)).id;
  });
  afterAll(async () => ctx.close());

  it('classifies each customer from NPS answers and engagement sentiment', async () => {
    const result = await ctx.db.autoCommit('MATCH (c:Customer) RETURN c.id AS id, c.stance AS stance ORDER BY id');
    const stances = Object.fromEntries(result.records.map((r) => [r.get('id'), r.get('stance')]));
    expect(stances).toEqual({ p1: 'advocate', p2: 'advocate', m1: 'passive', d1: 'detractor', d2: 'detractor', q1: 'detractor', n1: 'unknown' });
  });

  it('summarises the brand: classic and influence-weighted NPS, counts, reach', async () => {
    const res = await get(ctx, '/v1/brands/acme/stance');
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json();
    expect(b).toMatchObject({ advocates: 2, passives: 1, detractors: 3, unknown: 1, respondents: 5, promoters: 2, npsPassives: 1, npsDetractors: 2 });
    // (2 − 2) / 5 respondents.
    expect(b.nps).toBe(0);
    // p1 is by far the most influential respondent and a promoter, so weighted NPS is positive.
    expect(b.weightedNps).toBeGreaterThan(0);
    // Advocates p1, p2: p1's audience is everyone else (5 besides p2); m1 knows p2.
    expect(b.advocateReach.oneHop).toBe(5);
    // Detractors d1, d2, q1: d1's audience n1 (d2 is a detractor itself); d2 and q1 have none.
    expect(b.detractorReach).toEqual({ oneHop: 1, twoHops: 1 });
    expect(b.trend).toHaveLength(1);
    expect((await get(ctx, '/v1/brands/nobody/stance')).statusCode).toBe(404);
  });

  it('ranks advocates and detractors by influence × strength, with CSV', async () => {
    const adv = (await get(ctx, '/v1/advocates')).json();
    expect(adv.brand).toBe('acme');
    expect(adv.items.map((e: { id: string }) => e.id)).toEqual(['p1', 'p2']);
    expect(adv.items[0].stance).toMatchObject({ brand: 'acme', stance: 'advocate' });
    expect(adv.items[0].explanation).toMatch(/^#1 advocate of acme/);
    const det = (await get(ctx, '/v1/detractors')).json();
    expect(det.items.map((e: { id: string }) => e.id).sort()).toEqual(['d1', 'd2', 'q1']);
    for (let k = 1; k < det.items.length; k++) expect(det.items[k - 1].rankScore).toBeGreaterThanOrEqual(det.items[k].rankScore);
    const csv = await get(ctx, '/v1/detractors?format=csv');
    const lines = csv.body.trim().split('\n');
    expect(lines[0].endsWith(',brand,stance,stanceScore')).toBe(true);
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.includes(',acme,detractor,'))).toBe(true);
    const filtered = (await get(ctx, '/v1/super-users?stance=detractor&brand=acme')).json();
    expect(filtered.items.map((e: { id: string }) => e.id).sort()).toEqual(['d1', 'd2', 'q1']);
  });

  it('reports who moved between runs', async () => {
    // p2 answers again, later, as a detractor; q1 starts praising the brand.
    const later = '2026-06-01T12:00:00Z';
    await post(ctx, 'ratings', [{ customerId: 'p2', brandId: 'acme', score: 1, at: later }]);
    await post(ctx, 'engagements', [
      { customerId: 'q1', targetKind: 'brand', targetId: 'acme', kind: 'review', at: later, sentiment: 1 },
      { customerId: 'q1', targetKind: 'brand', targetId: 'acme', kind: 'share', at: later, sentiment: 1 },
      { customerId: 'q1', targetKind: 'brand', targetId: 'acme', kind: 'like', at: later, sentiment: 1 },
    ]);
    await analyse(ctx);
    const res = await get(ctx, `/v1/stance/transitions?since=${first}`);
    expect(res.statusCode, res.body).toBe(200);
    const t = res.json();
    expect(t.since.runId).toBe(first);
    expect(t.matrix.advocate.detractor).toBe(1);
    expect(t.sliding[0]).toMatchObject({ id: 'p2', from: 'advocate', to: 'detractor' });
    expect(t.sliding[0].change).toBeLessThan(-1);
    expect(t.rising[0]).toMatchObject({ id: 'q1', from: 'detractor' });
    expect(t.rising[0].change).toBeGreaterThan(0);
    expect(t.toDetractor).toBe(1);
    const byDefault = (await get(ctx, '/v1/stance/transitions')).json();
    expect(byDefault.since.runId).toBe(first);
    const summary = (await get(ctx, '/v1/brands/acme/stance')).json();
    expect(summary.trend).toHaveLength(2);
  });

  it('scores signed trust: hostile interactions lower a customer’s net trust', async () => {
    await post(ctx, 'interactions', [
      { from: 'p1', to: 'd1', kind: 'reply', at: AT, sentiment: -0.9, count: 3 },
      { from: 'p2', to: 'd1', kind: 'reply', at: AT, sentiment: -0.8, count: 3 },
      { from: 'p1', to: 'm1', kind: 'share', at: AT, sentiment: 0.9, count: 3 },
    ]);
    await analyse(ctx);
    const distrust = await runScores(ctx, 'distrust');
    const net = await runScores(ctx, 'netTrust');
    expect(distrust.get('d1')).toBeGreaterThan(0);
    expect(distrust.get('m1')).toBe(0);
    expect(net.get('d1')).toBeLessThan(net.get('m1')!);
    const plain = await ctx.db.autoCommit("MATCH (c:Customer {id: 'd1'}) RETURN c.netTrust AS net");
    expect(plain.records[0].get('net')).toBe(net.get('d1'));
  });
});

describe('stance on generated data', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await loadGeneratedDataset(ctx.app.services.ingest, 3000, 21);
    await analyse(ctx, { algorithms: ['degree', 'pagerank', 'reach', 'stance'] });
  });
  afterAll(async () => ctx.close());

  it('classifies at least 90% of the planted advocates and detractors that left any evidence right', async () => {
    const truth = generateDataset({ customers: 3000, seed: 21 }).groundTruth();
    // A customer with no NPS answer, engagement or post about the brand cannot be classified
    // (their stance is 'unknown'); the others must be classified right.
    const evidence = await ctx.db.autoCommit(`
      MATCH (c:Customer)
      WHERE EXISTS { (c)-[:RATED]->(:Brand {id: 'b1'}) }
         OR EXISTS { MATCH (c)-[:ENGAGED]->(t) WHERE t.id = 'b1' OR t.brandId = 'b1' }
         OR EXISTS { MATCH (c)-[:POSTED]->(p:Content) WHERE p.sentiment IS NOT NULL AND (p.brandId = 'b1' OR EXISTS { (p)-[:MENTIONS]->(:Product {brandId: 'b1'}) }) }
      RETURN collect(c.id) AS ids`);
    const withEvidence = new Set(evidence.records[0].get('ids') as string[]);
    // b1 is the primary brand (first by id), whose stance is the plain `stance` property.
    const rows = await ctx.db.autoCommit('MATCH (c:Customer) RETURN c.id AS id, c.stance AS stance');
    const got = new Map<string, string>(rows.records.map((r) => [r.get('id'), r.get('stance')]));
    for (const side of ['advocate', 'detractor'] as const) {
      const planted = Object.entries(truth.stances)
        .filter(([id, s]) => s === side && withEvidence.has(id))
        .map(([id]) => id);
      expect(planted.length).toBeGreaterThan(300);
      const right = planted.filter((id) => got.get(id) === side).length;
      expect(right / planted.length, `${side}: ${right} of ${planted.length}`).toBeGreaterThanOrEqual(0.9);
    }
  });
});
