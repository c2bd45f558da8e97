/**
 * Campaign planning end to end on the real database: seed-selection jobs (202, progress, result,
 * constraints, budget, determinism, cancel, kept across a restart), influencer lists (CRUD, CSV,
 * reach and overlap, privacy), topic experts (ranking, filters, CSV).
 *
 * The graph: stars whose hub reaches exactly its followers when p = 1 —
 *   h1 ← a1..a6, h2 ← b1..b6 (plain hubs), h3 ← d1..d8 (h3 is a detractor of acme),
 *   hx ← x1..x7 (x1..x7 are detractors), oo ← e1..e8 (oo opted out).
 * Every customer has a `fee` attribute (hubs 5, others 1).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runPlanCommand } from '../../scripts/cli-plan.js';
import { buildApp } from '../../src/app.js';
import { ApiKeyRegistry } from '../../src/domain/api-keys.js';
import type { CampaignPlan } from '../../src/domain/campaign/campaign-plan.service.js';
import { CampaignPlanSchema } from '../../src/http/routes/campaigns.routes.js';
import { InfluencerListSchema } from '../../src/http/routes/influencer-lists.routes.js';
import { TopicExpertSchema } from '../../src/http/routes/topics.routes.js';
import { analyse, auth, clearDatabase, createTestApp, get, KEYS, post, type TestContext } from './helpers.js';

const T = '2026-06-01T10:00:00Z';
const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const STARS: Record<string, string[]> = { h1: range('a', 6), h2: range('b', 6), h3: range('d', 8), hx: range('x', 7), oo: range('e', 8) };
const P1 = { kind: 'constant', p: 1 } as const;

async function loadGraph(ctx: TestContext) {
  await post(ctx, 'brands', [{ id: 'acme', name: 'Acme' }]);
  await post(ctx, 'campaigns', [{ id: 'spring', name: 'Spring launch', brandId: 'acme' }]);
  await post(ctx, 'topics', [{ id: 't1', name: 'Running' }]);
  const customers = Object.entries(STARS).flatMap(([hub, leaves]) => [
    { id: hub, name: hub.toUpperCase(), optedOut: hub === 'oo', attributes: { fee: 5 } },
    ...leaves.map((id) => ({ id, name: id.toUpperCase(), attributes: { fee: 1 } })),
  ]);
  await post(ctx, 'customers', [...customers, { id: 'lone', attributes: { fee: 1 } }]);
  await post(ctx, 'ties', Object.entries(STARS).flatMap(([hub, leaves]) => leaves.map((id) => ({ from: id, to: hub, kind: 'FOLLOWS' }))));
  await post(ctx, 'ratings', [
    { customerId: 'h3', brandId: 'acme', score: 2, at: T },
    ...STARS.hx.map((id) => ({ customerId: id, brandId: 'acme', score: 1, at: T })),
    { customerId: 'h1', brandId: 'acme', score: 10, at: T },
  ]);
  await post(ctx, 'content', [
    { id: 'ct1', authorId: 'a1', kind: 'post', createdAt: T, topicIds: ['t1'] },
    { id: 'ct2', authorId: 'b1', kind: 'post', createdAt: T, topicIds: ['t1'] },
    { id: 'ct3', authorId: 'oo', kind: 'post', createdAt: T, topicIds: ['t1'] },
  ]);
  const engage = (who: string[], target: string) => who.map((customerId) => ({ customerId, targetKind: 'content', targetId: target, kind: 'like', at: T }));
  await post(ctx, 'engagements', [...engage(['a2', 'a3', 'a4', 'a5'], 'ct1'), ...engage(['b2'], 'ct2'), ...engage(['e1', 'e2', 'e3', 'e4', 'e5', 'e6'], 'ct3')]);
}

async function plan(ctx: TestContext, body: object): Promise<CampaignPlan> {
  const res = await ctx.app.inject({ method: 'POST', url: '/v1/campaign-plans', headers: auth('write'), payload: body });
  expect(res.statusCode, res.body).toBe(202);
  const done = await ctx.app.services.campaignPlans.wait(res.json().id);
  const read = await get(ctx, `/v1/campaign-plans/${done.id}`);
  expect(read.statusCode).toBe(200);
  const stored = read.json() as CampaignPlan;
  expect(stored.status, stored.message).toBe('completed');
  return stored;
}

const seedIds = (p: CampaignPlan) => p.result!.seeds.map((s) => s.id);

describe('campaign planning', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await loadGraph(ctx);
  });
  afterAll(async () => ctx?.close());

  it('answers 409 before any analytics run has completed, and 400 for bad parameters', async () => {
    const early = await ctx.app.inject({ method: 'POST', url: '/v1/campaign-plans', headers: auth('write'), payload: { k: 2 } });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('NO_COMPLETED_RUN');
    const bad = await ctx.app.inject({ method: 'POST', url: '/v1/campaign-plans', headers: auth('write'), payload: { k: 2, budget: 3 } });
    expect(bad.statusCode).toBe(400);
    const read = await ctx.app.inject({ method: 'POST', url: '/v1/campaign-plans', headers: auth('read'), payload: { k: 2 } });
    expect(read.statusCode).toBe(403);
    await analyse(ctx);
  });

  it('runs a plan as a job: 202, then progress, then seeds with reasons, reach bands and the naive comparison', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/campaign-plans', headers: auth('write'), payload: { k: 2, probability: P1, simulations: 200 } });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.headers.location).toBe(`/v1/campaign-plans/${res.json().id}`);
    expect(['queued', 'running']).toContain(res.json().status);
    const during = await get(ctx, `/v1/campaign-plans/${res.json().id}`);
    expect(['queued', 'running', 'completed']).toContain(during.json().status);
    expect(during.json().progress).toMatchObject({ phase: expect.any(String), samples: expect.any(Number) });
    await ctx.app.services.campaignPlans.wait(res.json().id);
    const done = (await get(ctx, `/v1/campaign-plans/${res.json().id}`)).json() as CampaignPlan;
    expect(CampaignPlanSchema.safeParse(done).success).toBe(true);
    expect(done.status).toBe('completed');
    const r = done.result!;
    expect(done.runId).toBe(r.runId);
    expect(r.samples).toBeGreaterThan(0);
    // hx reaches 8 (itself and 7 followers), then h1 or h2 reach 7; h3 is a detractor, oo opted out.
    expect(r.seeds[0].id).toBe('hx');
    expect(['h1', 'h2']).toContain(r.seeds[1].id);
    expect(r.seeds[0].marginalGain).toBeCloseTo(8, 0);
    expect(r.seeds[0].reason).toMatch(/7 people listen to them/);
    expect(r.seeds[0].audience).toBe(7);
    // p = 1: every simulation reaches exactly 15 customers, 7 of them detractors.
    expect(r.reach.expected).toBeCloseTo(15, 5);
    expect(r.reach.simulations).toBe(200);
    expect(r.reach.low).toBeLessThanOrEqual(r.reach.expected);
    expect(r.reach.high).toBeGreaterThanOrEqual(r.reach.expected);
    expect(r.reach.byStance.detractor).toBeCloseTo(7, 5);
    expect(r.reach.detractorShare).toBeCloseTo(7 / 15, 3);
    expect(r.reach.byCommunity.reduce((a, c) => a + c.expected, 0)).toBeCloseTo(15, 3);
    expect(r.naive.seeds).toHaveLength(2);
    expect(r.naive.seeds).not.toContain('oo');
    expect(r.gain).toBeCloseTo(r.reach.expected - r.naive.reach.expected, 1);
  });

  it('never picks detractors (unless allowed) or opted-out customers', async () => {
    const allowed = await plan(ctx, { k: 1, probability: P1, simulations: 100, constraints: { excludeDetractors: false } });
    expect(seedIds(allowed)).toEqual(['h3']);
    const many = await plan(ctx, { k: 30, probability: P1, simulations: 100 });
    const ids = seedIds(many);
    expect(ids).not.toContain('h3');
    for (const id of ['oo', ...STARS.hx]) expect(ids).not.toContain(id);
    const forcedOut = await ctx.app.inject({ method: 'POST', url: '/v1/campaign-plans', headers: auth('write'), payload: { k: 2, constraints: { include: ['oo'] } } });
    expect(forcedOut.statusCode).toBe(400);
    expect(forcedOut.json().errors[0].path).toEqual(['body', 'constraints', 'include', 0]);
  });

  it('lowers a seed whose reach falls on detractors when overexposure is weighed', async () => {
    const plain = await plan(ctx, { k: 1, probability: P1, simulations: 100 });
    expect(seedIds(plain)).toEqual(['hx']);
    const careful = await plan(ctx, { k: 1, probability: P1, simulations: 100, constraints: { overexposure: 1 } });
    expect(['h1', 'h2']).toContain(seedIds(careful)[0]);
    expect(careful.result!.reach.detractorShare).toBe(0);
  });

  it('respects forced and excluded customers, restrictions and the budget', async () => {
    const forced = await plan(ctx, { k: 2, probability: P1, simulations: 100, constraints: { include: ['a3'], exclude: ['hx', 'h1'] } });
    expect(seedIds(forced)[0]).toBe('a3');
    expect(forced.result!.seeds[0].forced).toBe(true);
    expect(seedIds(forced)).toEqual(['a3', 'h2']);
    const budget = await plan(ctx, { budget: 6, costAttribute: 'fee', probability: P1, simulations: 100 });
    expect(budget.result!.totalCost).toBeLessThanOrEqual(6);
    expect(budget.result!.seeds.reduce((a, s) => a + s.cost!, 0)).toBeLessThanOrEqual(6);
    expect(budget.result!.seeds.map((s) => s.cost)).not.toContain(null);
    expect(seedIds(budget)).toContain('hx');
  });

  it('is deterministic for a seed', async () => {
    const body = { k: 3, seed: 7, simulations: 200, probability: { kind: 'constant', p: 0.3 } };
    const [a, b] = [await plan(ctx, body), await plan(ctx, body)];
    expect(seedIds(a)).toEqual(seedIds(b));
    expect(a.result!.samples).toBe(b.result!.samples);
    expect(a.result!.reach).toEqual(b.result!.reach);
  });

  it('cancels a plan, and 409 for a finished one', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/campaign-plans', headers: auth('write'), payload: { k: 2 } });
    const cancel = await ctx.app.inject({ method: 'POST', url: `/v1/campaign-plans/${res.json().id}/cancel`, headers: auth('write') });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json().status).toBe('cancelled');
    const again = await ctx.app.inject({ method: 'POST', url: `/v1/campaign-plans/${res.json().id}/cancel`, headers: auth('write') });
    expect(again.statusCode).toBe(409);
    expect((await get(ctx, '/v1/campaign-plans/nope')).statusCode).toBe(404);
  });

  it('keeps finished plans across a restart', async () => {
    const done = await plan(ctx, { k: 1, probability: P1, simulations: 100 });
    const app = await buildApp(ctx.config, { db: ctx.db, apiKeys: new ApiKeyRegistry(ctx.config.API_KEYS ?? []), logger: false });
    await app.ready();
    try {
      const res = await app.inject({ method: 'GET', url: `/v1/campaign-plans/${done.id}`, headers: auth('read') });
      expect(res.json().status).toBe('completed');
      expect(res.json().result.seeds.map((s: { id: string }) => s.id)).toEqual(seedIds(done));
      const listed = await app.inject({ method: 'GET', url: '/v1/campaign-plans?limit=50', headers: auth('read') });
      expect(listed.json().items.map((p: { id: string }) => p.id)).toContain(done.id);
    } finally {
      await app.close();
    }
  });

  it('plans from the command line through the API, printing the seeds and writing them as CSV', async () => {
    const address = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    const dir = mkdtempSync(path.join(tmpdir(), 'ig-plan-'));
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
    try {
      const out = path.join(dir, 'plan.csv');
      await runPlanCommand(['--k', '2', '--probability', 'constant:1', '--simulations', '100', '--exclude', 'hx', '--api', address, '--key', KEYS.write, '--out', out]);
      expect(printed.join('\n')).toMatch(/completed on run/);
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      expect(lines[0]).toBe('rank,id,name,handle,community,audience,stance,influence,cost,forced,marginalGain,reason');
      expect(lines.slice(1).map((l) => l.split(',')[1]).sort()).toEqual(['h1', 'h2']);
    } finally {
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('influencer lists', () => {
    let listId: string;
    const write = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      ctx.app.inject({ method, url, headers: auth('write'), ...(payload ? { payload } : {}) });

    it('saves a plan as a list for a campaign, with ranks and reasons', async () => {
      const p = await plan(ctx, { k: 2, probability: P1, simulations: 100, constraints: { exclude: ['h2'] } });
      expect(seedIds(p)).toEqual(['hx', 'h1']);
      const res = await write('POST', '/v1/influencer-lists', { name: 'Spring seeds', campaignId: 'spring', planId: p.id, members: [{ id: 'b1', reason: 'local runner' }] });
      expect(res.statusCode, res.body).toBe(201);
      expect(InfluencerListSchema.safeParse(res.json()).success).toBe(true);
      listId = res.json().id;
      expect(res.json().members.map((m: { id: string; rank: number }) => [m.rank, m.id])).toEqual([
        [1, 'hx'],
        [2, 'h1'],
        [3, 'b1'],
      ]);
      expect(res.json().members[0].reason).toMatch(/community/);
      expect(res.json().members[2].reason).toBe('local runner');
      expect((await write('POST', '/v1/influencer-lists', { name: 'x', campaignId: 'nope', members: [] })).statusCode).toBe(404);
      const opted = await write('POST', '/v1/influencer-lists', { name: 'x', campaignId: 'spring', members: [{ id: 'oo' }] });
      expect(opted.statusCode).toBe(400);
      const listed = await get(ctx, '/v1/influencer-lists?campaignId=spring');
      expect(listed.json().items).toEqual([expect.objectContaining({ id: listId, memberCount: 3, campaignId: 'spring' })]);
    });

    it('exports a list as CSV', async () => {
      const res = await get(ctx, `/v1/influencer-lists/${listId}?format=csv`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/csv/);
      const lines = res.body.trim().split('\n');
      expect(lines[0]).toBe('rank,id,name,handle,segment,region,community,influence,reach1,reach2,stance,reason');
      expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['hx', 'h1', 'b1']);
    });

    it('measures unique reach at one and two hops, audience overlap and expected spread', async () => {
      const res = await get(ctx, `/v1/influencer-lists/${listId}/reach?simulations=200`);
      expect(res.statusCode, res.body).toBe(200);
      const r = res.json();
      // hx's 7 followers and h1's 6 (b1 listens to nobody who is a member of this list).
      expect(r.reach1).toBe(13);
      expect(r.reach2).toBe(13);
      expect(r.overlap.members).toEqual(['hx', 'h1', 'b1']);
      expect(r.overlap.shared).toEqual([
        [7, 0, 0],
        [0, 6, 0],
        [0, 0, 0],
      ]);
      expect(r.spread.runs).toBe(200);
      expect(r.spread.expected).toBeGreaterThanOrEqual(3);
    });

    it('edits and replaces a list', async () => {
      const patched = await write('PATCH', `/v1/influencer-lists/${listId}`, { name: 'Spring seeds v2', add: [{ id: 'a2', reason: 'runner' }], remove: ['b1'] });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json().name).toBe('Spring seeds v2');
      expect(patched.json().members.map((m: { id: string }) => m.id)).toEqual(['hx', 'h1', 'a2']);
      const put = await write('PUT', `/v1/influencer-lists/${listId}`, { name: 'Hand-picked', campaignId: 'spring', members: [{ id: 'h2' }, { id: 'a2' }, { id: 'b3' }] });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json().members.map((m: { id: string; rank: number }) => `${m.rank}:${m.id}`)).toEqual(['1:h2', '2:a2', '3:b3']);
      expect(put.json().planId).toBeNull();
    });

    it('drops members who opt out or are erased', async () => {
      await post(ctx, 'customers', [{ id: 'b3', name: 'B3', optedOut: true, attributes: { fee: 1 } }]);
      const afterOptOut = await get(ctx, `/v1/influencer-lists/${listId}`);
      expect(afterOptOut.json().members.map((m: { id: string }) => m.id)).toEqual(['h2', 'a2']);
      const erased = await ctx.app.inject({ method: 'DELETE', url: '/v1/customers/a2', headers: auth('admin') });
      expect(erased.statusCode, erased.body).toBe(200);
      const afterErase = await get(ctx, `/v1/influencer-lists/${listId}`);
      expect(afterErase.json().members.map((m: { id: string }) => m.id)).toEqual(['h2']);
      // Opting back in does not bring a customer back onto the list.
      await post(ctx, 'customers', [{ id: 'b3', name: 'B3', optedOut: false, attributes: { fee: 1 } }]);
      expect((await get(ctx, `/v1/influencer-lists/${listId}`)).json().members.map((m: { id: string }) => m.id)).toEqual(['h2']);
    });

    it('deletes a list', async () => {
      expect((await write('DELETE', `/v1/influencer-lists/${listId}`)).statusCode).toBe(204);
      expect((await get(ctx, `/v1/influencer-lists/${listId}`)).statusCode).toBe(404);
      expect((await write('DELETE', `/v1/influencer-lists/${listId}`)).statusCode).toBe(404);
    });
  });

  describe('topic experts', () => {
    it('ranks the creators whose topic content draws engagement, with their posts; never opted-out customers', async () => {
      const res = await get(ctx, '/v1/topics/t1/experts?limit=50');
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      for (const e of body.items) expect(TopicExpertSchema.safeParse(e).success).toBe(true);
      const ids = body.items.map((e: { id: string }) => e.id);
      expect(ids).not.toContain('oo');
      expect(ids.indexOf('a1')).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf('a1')).toBeLessThan(ids.indexOf('b1'));
      const a1 = body.items.find((e: { id: string }) => e.id === 'a1');
      // a2's like went with a2's erasure above: a3, a4 and a5 remain.
      expect(a1).toMatchObject({ topicPosts: 1, topicEngagements: 3 });
      expect(a1.posts).toEqual([expect.objectContaining({ id: 'ct1', engagements: 3 })]);
      expect(body.creators).toBe(3);
    });

    it('pages, filters and exports CSV; 404 for an unknown topic', async () => {
      const first = await get(ctx, '/v1/topics/t1/experts?limit=1');
      expect(first.json().items).toHaveLength(1);
      const next = await get(ctx, `/v1/topics/t1/experts?limit=1&cursor=${first.json().nextCursor}`);
      expect(next.json().items[0].rank).toBe(2);
      const csv = await get(ctx, '/v1/topics/t1/experts?format=csv&limit=100');
      expect(csv.statusCode).toBe(200);
      const lines = csv.body.trim().split('\n');
      expect(lines[0]).toBe('rank,id,name,handle,segment,region,community,score,topicPosts,topicEngagements,influence,explanation');
      expect(lines.some((l) => l.split(',')[1] === 'oo')).toBe(false);
      expect((await get(ctx, '/v1/topics/nope/experts')).statusCode).toBe(404);
    });
  });
});
