import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auth, clearDatabase, createTestApp, type TestContext } from './helpers.js';

const T = '2026-06-01T10:00:00Z';

/** A small but complete data set, one entry per kind, in load order. */
const DATA = {
  brands: [{ id: 'b1', name: 'Acme' }],
  topics: [
    { id: 't1', name: 'running' },
    { id: 't2', name: 'hiking' },
  ],
  products: [{ id: 'p1', name: 'Trail shoe', brandId: 'b1', category: 'shoes' }],
  campaigns: [{ id: 'k1', name: 'Spring', brandId: 'b1', startsAt: '2026-03-01T00:00:00Z', endsAt: '2026-05-01T00:00:00Z' }],
  customers: [
    { id: 'c1', name: 'Ada', handle: '@ada', segment: 'vip', region: 'eu', attributes: { tier: 'gold', visits: 12 } },
    { id: 'c2', name: 'Bo', segment: 'consumer', region: 'us' },
    { id: 'c3', name: 'Cy', segment: 'consumer', region: 'eu', optedOut: true },
  ],
  content: [{ id: 'x1', authorId: 'c1', kind: 'review', createdAt: T, sentiment: 0.8, topicIds: ['t1'], productId: 'p1', text: 'Great' }],
  ties: [
    { from: 'c1', to: 'c2', kind: 'FOLLOWS', weight: 0.5 },
    { from: 'c2', to: 'c1', kind: 'FOLLOWS' },
    { from: 'c3', to: 'c1', kind: 'KNOWS', since: '2025-01-01T00:00:00Z' },
  ],
  interactions: [
    { from: 'c2', to: 'c1', kind: 'share', at: T, count: 3, sentiment: 0.6 },
    { id: 'given-id', from: 'c3', to: 'c1', kind: 'reply', at: T, sentiment: -0.4 },
  ],
  engagements: [
    { customerId: 'c1', targetKind: 'product', targetId: 'p1', kind: 'purchase', at: T, sentiment: 0.5, channel: 'web' },
    { customerId: 'c2', targetKind: 'content', targetId: 'x1', kind: 'like', at: T },
    { customerId: 'c3', targetKind: 'brand', targetId: 'b1', kind: 'complaint', at: T, sentiment: -0.9 },
    { customerId: 'c2', targetKind: 'campaign', targetId: 'k1', kind: 'click', at: T },
  ],
  ratings: [
    { customerId: 'c1', brandId: 'b1', score: 10, at: T },
    { customerId: 'c3', brandId: 'b1', score: 2, at: T },
  ],
} as const;

/** One bad row per kind, and the field the error must name. */
const BAD: Record<keyof typeof DATA, { row: object; field: string }> = {
  brands: { row: { id: 'bX' }, field: 'name' },
  topics: { row: { id: 'has space', name: 'x' }, field: 'id' },
  products: { row: { id: 'pX', name: 'x', brandId: 'no-such-brand' }, field: 'brandId' },
  campaigns: { row: { id: 'kX', name: 'x', startsAt: '2026-05-01T00:00:00Z', endsAt: '2026-03-01T00:00:00Z' }, field: 'endsAt' },
  customers: { row: { id: 'cX', optedOut: 'yes' }, field: 'optedOut' },
  content: { row: { id: 'xX', authorId: 'c1', kind: 'tweet', createdAt: T }, field: 'kind' },
  ties: { row: { from: 'c1', to: 'c1', kind: 'FOLLOWS' }, field: 'to' },
  interactions: { row: { from: 'c1', to: 'c2', kind: 'share', at: T, sentiment: 1.5 }, field: 'sentiment' },
  engagements: { row: { customerId: 'c1', targetKind: 'product', targetId: 'nope', kind: 'like', at: T }, field: 'targetId' },
  ratings: { row: { customerId: 'c1', brandId: 'b1', score: 11, at: T }, field: 'score' },
};

async function counts(ctx: TestContext) {
  const result = await ctx.db.autoCommit(`
    CALL { MATCH (n) WHERE n:Customer OR n:Brand OR n:Product OR n:Topic OR n:Campaign OR n:Content RETURN count(n) AS nodes }
    CALL { MATCH ()-[r]->() RETURN count(r) AS rels }
    RETURN nodes, rels`);
  return { nodes: result.records[0].get('nodes').toNumber(), rels: result.records[0].get('rels').toNumber() };
}

async function loadAll(ctx: TestContext) {
  for (const [kind, rows] of Object.entries(DATA)) {
    const res = await ctx.app.inject({ method: 'POST', url: `/v1/${kind}/bulk`, headers: auth('write'), payload: rows });
    expect(res.statusCode, `${kind}: ${res.body}`).toBe(200);
  }
}

describe('the write and read API', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ BULK_MAX_ROWS: '50', BODY_LIMIT_BYTES: '65536', DATA_DIR: `/tmp/ig-test-${process.pid}` });
  });
  afterAll(async () => ctx.close());
  beforeEach(async () => clearDatabase(ctx.db));

  it('loads every kind through the bulk API and reads it back', async () => {
    await loadAll(ctx);
    const c1 = await ctx.app.inject({ method: 'GET', url: '/v1/customers/c1', headers: auth('read') });
    expect(c1.statusCode).toBe(200);
    const view = c1.json();
    expect(view.properties).toMatchObject({ id: 'c1', name: 'Ada', segment: 'vip', attributes: { tier: 'gold', visits: 12 }, optedOut: false });
    expect(view.counts.FOLLOWS).toEqual({ in: 1, out: 1 });
    expect(view.counts.KNOWS).toEqual({ in: 0, out: 1 }); // stored once as c1 → c3 (from < to)
    expect(view.counts.INTERACTED).toEqual({ in: 2, out: 0 });
    expect(view.counts.RATED).toEqual({ in: 0, out: 1 });
    expect(view.counts.POSTED).toEqual({ in: 0, out: 1 });
    expect(view.ties.find((t: { type: string; direction: string }) => t.type === 'FOLLOWS' && t.direction === 'out').properties.weight).toBe(0.5);

    for (const [kind, id] of [['brands', 'b1'], ['products', 'p1'], ['topics', 't1'], ['campaigns', 'k1'], ['content', 'x1']]) {
      const res = await ctx.app.inject({ method: 'GET', url: `/v1/${kind}/${id}`, headers: auth('read') });
      expect(res.statusCode, kind).toBe(200);
      expect(res.json().properties.id).toBe(id);
    }
    const brand = (await ctx.app.inject({ method: 'GET', url: '/v1/brands/b1', headers: auth('read') })).json();
    expect(brand.counts.OFFERS.out).toBe(1);
    expect(brand.counts.RUNS.out).toBe(1);
    expect(brand.counts.ENGAGED.in).toBe(1);
    expect(brand.counts.RATED.in).toBe(2);
    const content = (await ctx.app.inject({ method: 'GET', url: '/v1/content/x1', headers: auth('read') })).json();
    expect(content.counts.ABOUT.out).toBe(1);
    expect(content.counts.MENTIONS.out).toBe(1);
  });

  it('stores KNOWS once, whichever way round it is sent, and derives event ids', async () => {
    await loadAll(ctx);
    const again = await ctx.app.inject({
      method: 'POST',
      url: '/v1/ties/bulk',
      headers: auth('write'),
      payload: [{ from: 'c1', to: 'c3', kind: 'KNOWS', since: '2025-01-01T00:00:00Z' }],
    });
    expect(again.json()).toEqual({ received: 1, created: 0, updated: 1 });
    const ids = await ctx.db.autoCommit('MATCH ()-[i:INTERACTED]->() RETURN i.id AS id ORDER BY id');
    const list = ids.records.map((r) => r.get('id') as string);
    expect(list).toContain('given-id');
    expect(list.find((i) => i.startsWith('i_'))).toMatch(/^i_[0-9a-f]{20}$/);
  });

  it('writes ties of many customers in one request, the last row of a pair winning', async () => {
    await loadAll(ctx);
    const ties = [
      { from: 'c2', to: 'c1', kind: 'FOLLOWS', weight: 1 },
      { from: 'c1', to: 'c3', kind: 'FOLLOWS', weight: 2 },
      { from: 'c2', to: 'c3', kind: 'FOLLOWS', weight: 3 },
      { from: 'c2', to: 'c1', kind: 'FOLLOWS', weight: 7 },
      { from: 'c1', to: 'c2', kind: 'FOLLOWS', weight: 4 },
    ];
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/ties/bulk', headers: auth('write'), payload: ties });
    expect(res.statusCode, res.body).toBe(200);
    const stored = await ctx.db.autoCommit('MATCH (a:Customer)-[t:FOLLOWS]->(b:Customer) WHERE a.id IN [$x, $y] RETURN a.id + ">" + b.id AS pair, t.weight AS w ORDER BY pair', { x: 'c1', y: 'c2' });
    const weights = Object.fromEntries(stored.records.map((r) => [r.get('pair'), r.get('w')]));
    expect(weights).toMatchObject({ 'c2>c1': 7, 'c1>c3': 2, 'c2>c3': 3, 'c1>c2': 4 });
  });

  it('re-sending the same data changes nothing', async () => {
    await loadAll(ctx);
    const before = await counts(ctx);
    for (const [kind, rows] of Object.entries(DATA)) {
      const res = await ctx.app.inject({ method: 'POST', url: `/v1/${kind}/bulk`, headers: auth('write'), payload: rows });
      expect(res.json(), kind).toMatchObject({ created: 0, updated: rows.length });
    }
    expect(await counts(ctx)).toEqual(before);
    expect(before).toEqual({ nodes: 9, rels: 16 });
  });

  it.each(Object.keys(BAD) as (keyof typeof DATA)[])('rejects a bad %s row with 400 naming row and field, writing nothing', async (kind) => {
    await loadAll(ctx);
    const before = await counts(ctx);
    const good = kind === 'ties' ? [{ from: 'c2', to: 'c3', kind: 'FOLLOWS' }] : [];
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/v1/${kind}/bulk`,
      headers: auth('write'),
      payload: [...good, BAD[kind].row],
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    const row = good.length;
    expect(body.errors.some((e: { path: unknown[] }) => e.path[0] === 'body' && e.path[1] === row && e.path.includes(BAD[kind].field)), JSON.stringify(body.errors)).toBe(true);
    expect(await counts(ctx)).toEqual(before);
  });

  it('names every bad row of a request, and writes none of the good ones', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/customers/bulk',
      headers: auth('write'),
      payload: [{ id: 'ok1' }, { id: 'bad1', region: 5 }, { id: 'ok2' }, { id: 'bad2', unknownField: 1 }],
    });
    expect(res.statusCode).toBe(400);
    const rows = res.json().errors.map((e: { path: unknown[] }) => e.path[1]);
    expect(new Set(rows)).toEqual(new Set([1, 3]));
    expect((await counts(ctx)).nodes).toBe(0);
  });

  it('refuses ties to customers that do not exist, naming row and field', async () => {
    await loadAll(ctx);
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/ties/bulk',
      headers: auth('write'),
      payload: [{ from: 'c1', to: 'c2', kind: 'KNOWS' }, { from: 'ghost', to: 'c2', kind: 'FOLLOWS' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: ['body', 1, 'from'], message: "customer 'ghost' does not exist", code: 'unknown_reference' }]);
  });

  it('accepts references to entities created earlier in the same request', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/customers/bulk',
      headers: auth('write'),
      payload: [{ id: 'n1' }, { id: 'n2' }],
    });
    expect(res.json()).toEqual({ received: 2, created: 2, updated: 0 });
  });

  it('upserts one entity with PUT, replacing its fields', async () => {
    const put = await ctx.app.inject({ method: 'PUT', url: '/v1/customers/z1', headers: auth('write'), payload: { name: 'Zed', region: 'eu' } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ received: 1, created: 1, updated: 0 });
    const again = await ctx.app.inject({ method: 'PUT', url: '/v1/customers/z1', headers: auth('write'), payload: { name: 'Zed' } });
    expect(again.json()).toEqual({ received: 1, created: 0, updated: 1 });
    const view = (await ctx.app.inject({ method: 'GET', url: '/v1/customers/z1', headers: auth('read') })).json();
    expect(view.properties.region).toBeUndefined();
    const mismatch = await ctx.app.inject({ method: 'PUT', url: '/v1/customers/z1', headers: auth('write'), payload: { id: 'z2' } });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().errors[0].path).toEqual(['body', 'id']);
  });

  it('lists with filters and cursor pagination', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ id: `c${String(i).padStart(2, '0')}`, region: i % 2 ? 'eu' : 'us' }));
    await ctx.app.inject({ method: 'POST', url: '/v1/customers/bulk', headers: auth('write'), payload: rows });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `/v1/customers?limit=5&region=eu${cursor ? `&cursor=${cursor}` : ''}`,
        headers: auth('read'),
      });
      expect(res.statusCode).toBe(200);
      const page = res.json();
      seen.push(...page.items.map((c: { id: string }) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(rows.filter((r) => r.region === 'eu').map((r) => r.id));
    const bad = await ctx.app.inject({ method: 'GET', url: '/v1/customers?cursor=garbage', headers: auth('read') });
    expect(bad.statusCode).toBe(400);
  });

  it('answers 404 for an unknown entity, 403 for a read key writing, 413 for a large body', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/customers/nobody', headers: auth('read') })).statusCode).toBe(404);
    const forbidden = await ctx.app.inject({ method: 'POST', url: '/v1/customers/bulk', headers: auth('read'), payload: [{ id: 'x' }] });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe('FORBIDDEN');
    const big = Array.from({ length: 40 }, (_, i) => ({ id: `big${i}`, name: 'x'.repeat(2000) }));
    const tooLarge = await ctx.app.inject({ method: 'POST', url: '/v1/customers/bulk', headers: auth('write'), payload: big });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().code).toBe('PAYLOAD_TOO_LARGE');
    const tooMany = await ctx.app.inject({
      method: 'POST',
      url: '/v1/customers/bulk',
      headers: auth('write'),
      payload: Array.from({ length: 51 }, (_, i) => ({ id: `m${i}` })),
    });
    expect(tooMany.statusCode).toBe(400);
    expect((await counts(ctx)).nodes).toBe(0);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/customers/bulk',
      headers: { ...auth('write'), 'content-type': 'application/json' },
      payload: '[{"id": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVALID_JSON');
  });

  it('exports everything held about a customer and erases them completely', async () => {
    await loadAll(ctx);
    const started = await ctx.app.services.runs.start({ algorithms: ['degree', 'pagerank'] });
    const run = await ctx.app.services.runs.wait(started.id);
    expect(run.status).toBe('completed');
    const forbidden = await ctx.app.inject({ method: 'GET', url: '/v1/customers/c1/export', headers: auth('write') });
    expect(forbidden.statusCode).toBe(403);
    const exp = await ctx.app.inject({ method: 'GET', url: '/v1/customers/c1/export', headers: auth('admin') });
    expect(exp.statusCode).toBe(200);
    const doc = exp.json();
    expect(doc.customer).toMatchObject({ id: 'c1', name: 'Ada' });
    expect(doc.ties).toHaveLength(3);
    expect(doc.interactions).toHaveLength(2);
    expect(doc.engagements).toHaveLength(1);
    expect(doc.ratings).toEqual([expect.objectContaining({ brandId: 'b1', score: 10 })]);
    expect(doc.content).toHaveLength(1);
    expect(doc.customer.pagerank).toBeGreaterThan(0);
    expect(doc.scoreHistory).toEqual([expect.objectContaining({ runId: run.id, pagerank: doc.customer.pagerank, inDegree: 2 })]);

    const del = await ctx.app.inject({ method: 'DELETE', url: '/v1/customers/c1', headers: auth('admin') });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toEqual({ id: 'c1', erased: true, content: 1, scores: 1 });
    const left = await ctx.db.autoCommit(`
      OPTIONAL MATCH (c:Customer {id: 'c1'}) WITH count(c) AS customer
      OPTIONAL MATCH (x:Content {id: 'x1'}) WITH customer, count(x) AS content
      OPTIONAL MATCH (s:RunResultsBlock) WHERE 'c1' IN s.customerIds WITH customer, content, count(s) AS scores
      OPTIONAL MATCH (:Customer)-[i:INTERACTED]->(:Customer) WHERE i.id = 'given-id'
      RETURN customer, content, scores, count(i) AS interactions`);
    const rec = left.records[0];
    expect(['customer', 'content', 'scores', 'interactions'].map((k) => rec.get(k).toNumber())).toEqual([0, 0, 0, 0]);
    expect((await ctx.app.inject({ method: 'DELETE', url: '/v1/customers/c1', headers: auth('admin') })).statusCode).toBe(404);
  });

  it('keeps the opt-out flag and lets lists filter on it', async () => {
    await loadAll(ctx);
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/customers?optedOut=false', headers: auth('read') });
    expect(res.json().items.map((c: { id: string }) => c.id)).toEqual(['c1', 'c2']);
  });
});
