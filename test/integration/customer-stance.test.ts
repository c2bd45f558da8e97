/**
 * GET /v1/customers/{id}/stance on a small hand-built graph and two runs: the current stance per
 * brand, every piece of evidence with a contribution that reproduces the score (checked against
 * the stance formula worked out here by hand), the history over both runs, and the privacy cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyse, auth, clearDatabase, createTestApp, get, post, type TestContext } from './helpers.js';

const DAY = 86_400_000;
const RUN1_AS_OF = '2026-04-10T00:00:00.000Z';
const RUN2_AS_OF = '2026-05-01T00:00:00.000Z';

interface Item {
  kind: string;
  id: string | null;
  at: string;
  value: number;
  signal: number;
  weight: number;
  contribution: number;
  explanation: string;
  engagementKind?: string;
  target?: { kind: string; id: string };
}

/** The stance definition (src/domain/stance.ts) worked out by hand for the items listed. */
function expected(items: { kind: 'rating' | 'engagement' | 'content'; at: string; signal: number; typeWeight: number; superseded?: number }[], asOf: string, halfLifeDays: number) {
  const t = Date.parse(asOf);
  const weights = items.map((x) => x.typeWeight * 2 ** (-(t - Date.parse(x.at)) / DAY / halfLifeDays) * 0.25 ** (x.superseded ?? 0));
  const W = weights.reduce((a, b) => a + b, 0);
  const score = weights.reduce((a, w, k) => a + w * items[k].signal, 0) / W;
  return { W, score, confidence: 1 - Math.exp(-W / 3), weights };
}

describe('a customer’s stance with its evidence and history', () => {
  let ctx: TestContext;
  let run1: string;
  let run2: string;
  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await post(ctx, 'brands', [{ id: 'acme', name: 'Acme' }, { id: 'zeta', name: 'Zeta' }]);
    await post(ctx, 'products', [{ id: 'rocket', name: 'Rocket', brandId: 'acme' }]);
    await post(ctx, 'customers', ['ann', 'bob', 'cat', 'out', 'gone', 'nil'].map((id) => ({ id, name: id.toUpperCase() })));
    await post(ctx, 'ties', [
      { from: 'bob', to: 'ann', kind: 'FOLLOWS' },
      { from: 'cat', to: 'ann', kind: 'FOLLOWS' },
      { from: 'out', to: 'ann', kind: 'FOLLOWS' },
      { from: 'gone', to: 'bob', kind: 'KNOWS' },
      { from: 'nil', to: 'cat', kind: 'FOLLOWS' },
    ]);
    await post(ctx, 'ratings', [
      { id: 'r-ann-1', customerId: 'ann', brandId: 'acme', score: 6, at: '2026-01-01T00:00:00Z' },
      { id: 'r-ann-2', customerId: 'ann', brandId: 'acme', score: 9, at: '2026-04-01T00:00:00Z' },
      { id: 'r-ann-z', customerId: 'ann', brandId: 'zeta', score: 3, at: '2026-03-01T00:00:00Z' },
      { id: 'r-out', customerId: 'out', brandId: 'acme', score: 10, at: '2026-03-01T00:00:00Z' },
      { id: 'r-gone', customerId: 'gone', brandId: 'acme', score: 0, at: '2026-03-01T00:00:00Z' },
    ]);
    await post(ctx, 'engagements', [
      // No sentiment recorded: a like counts with its prior, +0.2.
      { id: 'e-like', customerId: 'ann', targetKind: 'brand', targetId: 'acme', kind: 'like', at: '2026-04-01T00:00:00Z' },
      { id: 'e-complaint', customerId: 'ann', targetKind: 'product', targetId: 'rocket', kind: 'complaint', at: '2026-03-01T00:00:00Z', sentiment: -0.5 },
      // After both runs' as-of dates: not counted.
      { id: 'e-late', customerId: 'ann', targetKind: 'brand', targetId: 'acme', kind: 'review', at: '2026-06-01T00:00:00Z', sentiment: 1 },
    ]);
    await post(ctx, 'content', [
      { id: 'post-1', authorId: 'ann', kind: 'post', createdAt: '2026-02-01T00:00:00Z', sentiment: 0.7, brandId: 'acme' },
      { id: 'post-2', authorId: 'ann', kind: 'review', createdAt: '2026-03-15T00:00:00Z', sentiment: -0.3, productId: 'rocket' },
      // No sentiment: not evidence.
      { id: 'post-3', authorId: 'ann', kind: 'post', createdAt: '2026-03-20T00:00:00Z', brandId: 'acme' },
    ]);
    run1 = (await analyse(ctx, { projection: { asOf: RUN1_AS_OF } })).id;
    // A later, unhappy answer; the second run also uses a shorter half-life.
    await post(ctx, 'ratings', [{ id: 'r-ann-3', customerId: 'ann', brandId: 'acme', score: 0, at: '2026-04-20T00:00:00Z' }]);
    run2 = (await analyse(ctx, { projection: { asOf: RUN2_AS_OF }, stance: { halfLifeDays: 90 } })).id;
  });
  afterAll(async () => ctx.close());

  it('explains the current stance toward each brand: items, weights, contributions that sum to the score', async () => {
    const res = await get(ctx, '/v1/customers/ann/stance');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ customerId: 'ann', name: 'ANN', runId: run2, asOf: RUN2_AS_OF });
    expect(body.params).toMatchObject({ halfLifeDays: 90, npsWeight: 2, engagementWeight: 1, contentWeight: 1.5, supersededFactor: 0.25 });
    expect(body.brands.map((b: { brand: string }) => b.brand)).toEqual(['acme', 'zeta']);

    const acme = body.brands[0];
    // Worked out by hand: 0 → −1; 9 → +0.8 (one later answer); 6 → −0.3 (two later); like prior +0.2; complaint −0.5; posts +0.7, −0.3.
    const want = expected(
      [
        { kind: 'rating', at: '2026-04-20T00:00:00Z', signal: -1, typeWeight: 2 },
        { kind: 'rating', at: '2026-04-01T00:00:00Z', signal: 0.8, typeWeight: 2, superseded: 1 },
        { kind: 'rating', at: '2026-01-01T00:00:00Z', signal: -0.3, typeWeight: 2, superseded: 2 },
        { kind: 'engagement', at: '2026-04-01T00:00:00Z', signal: 0.2, typeWeight: 1 },
        { kind: 'engagement', at: '2026-03-01T00:00:00Z', signal: -0.5, typeWeight: 1 },
        { kind: 'content', at: '2026-02-01T00:00:00Z', signal: 0.7, typeWeight: 1.5 },
        { kind: 'content', at: '2026-03-15T00:00:00Z', signal: -0.3, typeWeight: 1.5 },
      ],
      RUN2_AS_OF,
      90,
    );
    expect(acme.current.stance).toBe('detractor');
    expect(acme.current.score).toBeCloseTo(want.score, 10);
    expect(acme.current.confidence).toBeCloseTo(want.confidence, 10);
    expect(acme.current).toMatchObject({ latestNps: 0, npsClass: 'detractor', positive: 3, negative: 4, neutral: 0 });

    const items = acme.evidence.items as Item[];
    expect(items.map((x) => x.id)).toEqual(['r-ann-3', 'e-like', 'r-ann-2', 'post-2', 'e-complaint', 'post-1', 'r-ann-1']);
    for (let k = 1; k < items.length; k++) expect(items[k - 1].at >= items[k].at).toBe(true);
    const sum = items.reduce((a, x) => a + x.contribution, 0);
    expect(sum).toBeCloseTo(acme.current.score, 12);
    expect(acme.evidence.contributionSum).toBeCloseTo(acme.current.score, 12);
    expect(acme.evidence.totalWeight).toBeCloseTo(want.W, 10);
    expect(acme.evidence).toMatchObject({ matchesRun: true, laterEvidence: 1 });
    for (const x of items) expect(x.contribution).toBeCloseTo((x.weight * x.signal) / want.W, 12);
    const byId = Object.fromEntries(items.map((x) => [x.id, x]));
    expect(byId['r-ann-2'].weight).toBeCloseTo(want.weights[1], 12);
    expect(byId['r-ann-1'].weight).toBeCloseTo(want.weights[2], 12);
    expect(byId['e-like']).toMatchObject({ kind: 'engagement', engagementKind: 'like', value: 0, signal: 0.2, target: { kind: 'brand', id: 'acme' } });
    expect(byId['e-complaint'].target).toEqual({ kind: 'product', id: 'rocket' });
    expect(byId['post-2']).toMatchObject({ kind: 'content', value: -0.3, signal: -0.3 });
    expect(byId['r-ann-2'].explanation).toMatch(/NPS answer 9 \(promoter\).*0\.25\^1/);
    expect(byId['e-like'].explanation).toMatch(/prior/);

    const zeta = body.brands[1];
    const z = expected([{ kind: 'rating', at: '2026-03-01T00:00:00Z', signal: -1 + (0.7 * 3) / 6, typeWeight: 2 }], RUN2_AS_OF, 90);
    expect(zeta.current).toMatchObject({ stance: 'detractor', latestNps: 3 });
    expect(zeta.current.score).toBeCloseTo(z.score, 12);
    expect(zeta.evidence.items).toHaveLength(1);
    expect(zeta.evidence.items[0].contribution).toBeCloseTo(z.score, 12);
  });

  it('lists the stance in each kept run, newest first, read from each run’s results', async () => {
    const res = await get(ctx, '/v1/customers/ann/stance?brand=acme');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.brands).toHaveLength(1);
    const history = body.brands[0].history;
    expect(history.map((h: { runId: string }) => h.runId)).toEqual([run2, run1]);
    // Run 1: answers 6 and 9 (latest), like, complaint and the two posts, as of 10 April, half-life 180.
    const first = expected(
      [
        { kind: 'rating', at: '2026-04-01T00:00:00Z', signal: 0.8, typeWeight: 2 },
        { kind: 'rating', at: '2026-01-01T00:00:00Z', signal: -0.3, typeWeight: 2, superseded: 1 },
        { kind: 'engagement', at: '2026-04-01T00:00:00Z', signal: 0.2, typeWeight: 1 },
        { kind: 'engagement', at: '2026-03-01T00:00:00Z', signal: -0.5, typeWeight: 1 },
        { kind: 'content', at: '2026-02-01T00:00:00Z', signal: 0.7, typeWeight: 1.5 },
        { kind: 'content', at: '2026-03-15T00:00:00Z', signal: -0.3, typeWeight: 1.5 },
      ],
      RUN1_AS_OF,
      180,
    );
    expect(history[1]).toMatchObject({ runId: run1, stance: 'advocate', latestNps: 9 });
    expect(history[1].score).toBeCloseTo(first.score, 10);
    expect(history[0]).toMatchObject({ runId: run2, stance: 'detractor', latestNps: 0 });
    expect(history[0].score).toBeCloseTo(body.brands[0].current.score, 12);
  });

  it('shows a customer without evidence as unknown with no items', async () => {
    const body = (await get(ctx, '/v1/customers/nil/stance')).json();
    for (const b of body.brands) {
      expect(b.current).toMatchObject({ stance: 'unknown', score: null, latestNps: null, positive: 0, negative: 0 });
      expect(b.evidence).toMatchObject({ items: [], totalWeight: 0, contributionSum: 0, matchesRun: true });
      expect(b.history).toHaveLength(2);
    }
  });

  it('answers 404 for an unknown customer or brand, 409 for an opted-out customer, 404 once erased', async () => {
    expect((await get(ctx, '/v1/customers/nobody/stance')).statusCode).toBe(404);
    expect((await get(ctx, '/v1/customers/ann/stance?brand=nobrand')).statusCode).toBe(404);
    const optOut = await ctx.app.inject({ method: 'PATCH', url: '/v1/customers/out', headers: auth('write'), payload: { optedOut: true } });
    expect(optOut.statusCode, optOut.body).toBe(200);
    const opted = await get(ctx, '/v1/customers/out/stance');
    expect(opted.statusCode).toBe(409);
    expect(opted.json().code).toBe('CUSTOMER_OPTED_OUT');
    expect((await get(ctx, '/v1/customers/out/metrics')).statusCode).toBe(409);
    expect((await get(ctx, '/v1/customers/gone/stance')).statusCode).toBe(200);
    const erased = await ctx.app.inject({ method: 'DELETE', url: '/v1/customers/gone', headers: auth('admin') });
    expect(erased.statusCode, erased.body).toBe(200);
    expect((await get(ctx, '/v1/customers/gone/stance')).statusCode).toBe(404);
    expect((await get(ctx, '/v1/customers/gone/metrics')).statusCode).toBe(404);
  });
});
