/** Community map endpoints: the layout is computed once per run, stored with it, and read back identically. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGeneratedDataset } from '../../src/demo.js';
import { analyse, auth, clearDatabase, createTestApp, get, type TestContext } from './helpers.js';

describe('community map layout', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
  });
  afterAll(async () => ctx.close());

  it('answers 409 before any run and 401 without a key', async () => {
    expect((await get(ctx, '/v1/map/communities')).json().code).toBe('NO_COMPLETED_RUN');
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/map/layout' })).statusCode).toBe(401);
  });

  it('stores one layout per run and answers the same positions on a second read', async () => {
    await loadGeneratedDataset(ctx.app.services.ingest, 400, 5);
    const run = await analyse(ctx);
    const first = await get(ctx, '/v1/map/layout?limit=100000');
    expect(first.statusCode, first.body).toBe(200);
    const a = first.json();
    expect(a.runId).toBe(run.id);
    expect(a.items.length).toBeGreaterThan(300);
    expect(a.items.every((p: { x: number; y: number }) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
    const stored = await ctx.db.autoCommit('MATCH (:AnalyticsRun {id: $runId})-[:HAS_LAYOUT]->(l:RunLayout) RETURN count(l) AS n, size(l.ids) AS size', { runId: run.id });
    expect(Number(stored.records[0].get('n'))).toBe(1);
    // A fresh app (another process) reads the stored layout instead of computing its own.
    const other = await createTestApp();
    try {
      const b = (await other.app.inject({ method: 'GET', url: '/v1/map/layout?limit=100000', headers: auth('read') })).json();
      expect(b.computedAt).toBe(a.computedAt);
      expect(b.items).toEqual(a.items);
    } finally {
      await other.close();
    }
    expect((await get(ctx, '/v1/map/layout?limit=100000')).json()).toEqual(a);
  });

  it('aggregates communities with weighted ties and opens one community', async () => {
    const res = await get(ctx, '/v1/map/communities');
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json();
    expect(view.nodes.length).toBeGreaterThan(1);
    expect(view.nodes.reduce((s: number, n: { size: number }) => s + n.size, 0)).toBeLessThanOrEqual(view.customers);
    const ids = new Set(view.nodes.map((n: { id: number }) => String(n.id)));
    for (const e of view.edges) {
      expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
      expect(e.weight).toBeGreaterThan(0);
    }
    const biggest = view.nodes[0];
    const one = (await get(ctx, `/v1/map/communities/${biggest.id}`)).json();
    expect(one.community).toBe(biggest.id);
    expect(one.nodes.length).toBeGreaterThan(0);
    expect(one.nodes.every((n: { community: number }) => n.community === biggest.id)).toBe(true);
    // Most influential first.
    for (let i = 1; i < one.nodes.length; i++) expect(one.nodes[i - 1].influence).toBeGreaterThanOrEqual(one.nodes[i].influence);
    expect((await get(ctx, '/v1/map/communities/999999')).statusCode).toBe(404);
  });

  it('computes a new layout for a new run', async () => {
    const before = (await get(ctx, '/v1/map/layout?limit=1')).json();
    const run = await analyse(ctx);
    const after = (await get(ctx, '/v1/map/layout?limit=1')).json();
    expect(after.runId).toBe(run.id);
    expect(after.runId).not.toBe(before.runId);
  });
});
