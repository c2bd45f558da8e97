/**
 * Privacy through the API on the real test database: an erasure or an opt-out change reaches every
 * reader in the same request (lists, CSV, metrics, communities, paths, export, kept run results),
 * another process within its next check, and every id the schema accepts can be read, exported and
 * erased.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_ARRAYS, RUN_STANCE_ARRAYS } from '../../src/graph/entity.repository.js';
import { analyse, auth, clearDatabase, createTestApp, get, post, type TestContext } from './helpers.js';

const T = '2026-06-01T10:00:00Z';

/**
 * "hub" is followed by most and bridges "a" (one of those it follows) to "b" (who follows it): the only
 * path a → b goes through hub. "x" is a detractor followed by c1..c3; hub is an advocate.
 */
const CUSTOMERS = ['hub', 'a', 'b', 'x', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
const TIES = [
  ...['b', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((from) => ({ from, to: 'hub', kind: 'FOLLOWS', weight: 1 })),
  ...['a', 'c4', 'c5', 'c6'].map((to) => ({ from: 'hub', to, kind: 'FOLLOWS', weight: 1 })),
  ...['c1', 'c2', 'c3'].map((from) => ({ from, to: 'x', kind: 'FOLLOWS', weight: 1 })),
  { from: 'c4', to: 'c5', kind: 'KNOWS', weight: 1 },
];
const NPS: [string, number][] = [['hub', 10], ['a', 9], ['x', 0], ['c1', 1], ['c5', 10]];

const admin = (ctx: TestContext, method: 'GET' | 'DELETE', url: string) => ctx.app.inject({ method, url, headers: auth('admin') });
const put = (ctx: TestContext, id: string, body: object) =>
  ctx.app.inject({ method: 'PUT', url: `/v1/customers/${encodeURIComponent(id)}`, headers: auth('write'), payload: body });
const patch = (ctx: TestContext, id: string, body: object) =>
  ctx.app.inject({ method: 'PATCH', url: `/v1/customers/${encodeURIComponent(id)}`, headers: auth('write'), payload: body });

/** Every id named anywhere in the answers a customer must be absent from. */
async function everywhere(ctx: TestContext) {
  const ids = (body: string) => new Set([...body.matchAll(/"id":"([^"]+)"/g)].map((m) => m[1]));
  const csvIds = (body: string) => new Set(body.trim().split('\n').slice(1).map((line) => line.split(',')[1]));
  const superUsers = await get(ctx, '/v1/super-users?limit=100');
  const superUsersCsv = await get(ctx, '/v1/super-users?format=csv&limit=100');
  const advocates = await get(ctx, '/v1/advocates?limit=100');
  const advocatesCsv = await get(ctx, '/v1/advocates?format=csv&limit=100');
  const detractors = await get(ctx, '/v1/detractors?limit=100');
  const detractorsCsv = await get(ctx, '/v1/detractors?format=csv&limit=100');
  const communities = await get(ctx, '/v1/communities?limit=100');
  for (const r of [superUsers, superUsersCsv, advocates, advocatesCsv, detractors, detractorsCsv, communities]) expect(r.statusCode, r.body).toBe(200);
  return {
    superUsers: ids(superUsers.body),
    superUsersCsv: csvIds(superUsersCsv.body),
    advocates: ids(advocates.body),
    advocatesCsv: csvIds(advocatesCsv.body),
    detractors: ids(detractors.body),
    detractorsCsv: csvIds(detractorsCsv.body),
    topMembers: new Set((communities.json().items as { topMembers: { id: string }[] }[]).flatMap((c) => c.topMembers.map((m) => m.id))),
  };
}

async function keptResults(ctx: TestContext) {
  // Each run's properties with its blocks' arrays concatenated in block order.
  const result = await ctx.db.autoCommit(
    `MATCH (res:RunResults)-[:HAS_BLOCK]->(b:RunResultsBlock)
     WITH res, b ORDER BY b.index
     RETURN properties(res) AS p, collect(properties(b)) AS blocks`,
  );
  return result.records.map((r) => {
    const run = { ...(r.get('p') as Record<string, unknown>) };
    for (const block of r.get('blocks') as Record<string, unknown>[]) {
      for (const [k, v] of Object.entries(block)) if (Array.isArray(v)) run[k] = [...((run[k] as unknown[] | undefined) ?? []), ...v];
    }
    return run;
  });
}

describe('privacy', () => {
  let ctx: TestContext;
  let other: TestContext;

  beforeAll(async () => {
    ctx = await createTestApp();
    other = await createTestApp();
    await clearDatabase(ctx.db);
    await post(ctx, 'brands', [{ id: 'br1', name: 'Primary' }]);
    await post(ctx, 'customers', CUSTOMERS.map((id) => ({ id, name: `Name ${id}` })));
    await post(ctx, 'ties', TIES);
    await post(ctx, 'ratings', NPS.map(([customerId, score]) => ({ customerId, brandId: 'br1', score, at: T })));
    await analyse(ctx);
    await analyse(ctx);
  });

  afterAll(async () => {
    await other?.close();
    await ctx?.close();
  });

  it('shows the customers before any change (the premises of the tests below)', async () => {
    const top = (await get(ctx, '/v1/super-users?limit=1')).json();
    expect(top.items[0].id).toBe('hub');
    const seen = await everywhere(ctx);
    expect(seen.topMembers.has('hub')).toBe(true);
    expect(seen.advocates.has('hub')).toBe(true);
    expect(seen.detractors.has('x') && seen.detractorsCsv.has('x')).toBe(true);
    const path = (await get(ctx, '/v1/paths?from=a&to=b')).json();
    expect(path.paths[0].steps.map((s: { to: { id: string } }) => s.to.id)).toEqual(['hub', 'b']);
    // The second process serves its own snapshot, loaded now.
    expect((await get(other, '/v1/super-users?limit=1')).json().items[0].id).toBe('hub');
    expect((await get(other, '/v1/customers/x/metrics')).statusCode).toBe(200);
  });

  it('a page of super users answered again is the same, and a kept page is not answered after an opt-out', async () => {
    const first = await get(ctx, '/v1/super-users?limit=100&sort=pagerank');
    const again = await get(ctx, '/v1/super-users?limit=100&sort=pagerank');
    expect(again.body).toBe(first.body);
    const ids = (first.json().items as { id: string }[]).map((i) => i.id);
    expect(ids).toContain('x');
    expect((await patch(ctx, 'x', { optedOut: true })).statusCode).toBe(200);
    const after = (await get(ctx, '/v1/super-users?limit=100&sort=pagerank')).json().items as { id: string }[];
    expect(after.map((i) => i.id)).toEqual(ids.filter((id) => id !== 'x'));
    expect((await patch(ctx, 'x', { optedOut: false })).statusCode).toBe(200);
    expect((await get(ctx, '/v1/super-users?limit=100&sort=pagerank')).body).toBe(first.body);
  });

  it('opting a customer out hides them at once everywhere, and opting back in shows them again', async () => {
    expect((await put(ctx, 'x', { name: 'Name x', optedOut: true })).statusCode).toBe(200);
    expect((await get(ctx, '/v1/customers/x/metrics')).statusCode).toBe(409);
    let seen = await everywhere(ctx);
    for (const list of Object.values(seen)) expect(list.has('x')).toBe(false);
    expect((await get(ctx, '/v1/paths?from=x&to=c1')).statusCode).toBe(409);
    expect((await get(ctx, '/v1/customers/x/detractor-exposure')).statusCode).toBe(409);

    // Another process learns of it at its next check (through the privacy log).
    expect((await get(other, '/v1/customers/x/metrics')).statusCode).toBe(200);
    await other.app.services.snapshots.check();
    expect((await get(other, '/v1/customers/x/metrics')).statusCode).toBe(409);
    expect((await everywhere(other)).detractors.has('x')).toBe(false);

    expect((await put(ctx, 'x', { name: 'Name x', optedOut: false })).statusCode).toBe(200);
    expect((await get(ctx, '/v1/customers/x/metrics')).json().name).toBe('Name x');
    seen = await everywhere(ctx);
    expect(seen.superUsers.has('x') && seen.superUsersCsv.has('x')).toBe(true);
    expect(seen.detractors.has('x') && seen.detractorsCsv.has('x')).toBe(true);
    await other.app.services.snapshots.check();
    expect((await everywhere(other)).detractors.has('x')).toBe(true);

    // A partial update changes the flag the same way; one that leaves it out changes nothing.
    expect((await patch(ctx, 'x', { optedOut: true })).statusCode).toBe(200);
    expect((await get(ctx, '/v1/customers/x/metrics')).statusCode).toBe(409);
    expect((await patch(ctx, 'x', { segment: 'vip' })).statusCode).toBe(200);
    expect((await get(ctx, '/v1/customers/x/metrics')).statusCode).toBe(409);
    expect((await patch(ctx, 'x', { optedOut: false })).statusCode).toBe(200);
    expect((await everywhere(ctx)).detractors.has('x')).toBe(true);
  });

  it('erasing the top super user removes them from every reader in the same request', async () => {
    const erased = await admin(ctx, 'DELETE', '/v1/customers/hub');
    expect(erased.statusCode, erased.body).toBe(200);
    expect(erased.json().scores).toBe(2);

    expect((await get(ctx, '/v1/customers/hub/metrics')).statusCode).toBe(404);
    expect((await admin(ctx, 'GET', '/v1/customers/hub/export')).statusCode).toBe(404);
    const seen = await everywhere(ctx);
    for (const list of Object.values(seen)) expect(list.has('hub')).toBe(false);
    expect((await get(ctx, '/v1/super-users?limit=1')).json().items[0].id).not.toBe('hub');
    for (const id of CUSTOMERS.filter((c) => c !== 'hub' && c !== 'x')) {
      const m = await get(ctx, `/v1/customers/${id}/metrics`);
      expect(m.statusCode, m.body).toBe(200);
      expect(m.json().influence.rank).toBeGreaterThan(0);
      expect(m.json().influence.of).toBe(CUSTOMERS.length - 1);
    }

    // Paths: no hop through hub (a → b went only through hub), and hub is no endpoint.
    const path = await get(ctx, '/v1/paths?from=a&to=b');
    expect(path.statusCode, path.body).toBe(200);
    expect(path.json().paths).toEqual([]);
    expect((await get(ctx, '/v1/paths?from=hub&to=b')).statusCode).toBe(404);
    const intro = await get(ctx, '/v1/customers/b/advocate-paths');
    expect(intro.statusCode, intro.body).toBe(200);
    expect(intro.body).not.toContain('"hub"');

    // Kept run results: the id is gone from every array and every community summary; arrays stay aligned.
    const runs = await keptResults(ctx);
    expect(runs).toHaveLength(2);
    for (const res of runs) {
      const ids = res.customerIds as string[];
      expect(ids).not.toContain('hub');
      expect(ids).toHaveLength(CUSTOMERS.length - 1);
      for (const f of RUN_ARRAYS) if (res[f] !== undefined && res[f] !== null) expect((res[f] as unknown[]).length, f).toBe(ids.length);
      const brands = (res.stanceBrandIds as string[]).length;
      for (const f of RUN_STANCE_ARRAYS) expect((res[f] as unknown[]).length, f).toBe(ids.length * brands);
      expect(res.communities as string).not.toContain('"hub"');
    }
    // The arrays still line up: every remaining customer keeps its own score.
    const metricsA = (await get(ctx, '/v1/customers/a/metrics')).json();
    const latest = runs.find((r) => r.runId === metricsA.runId)!;
    const at = (latest.customerIds as string[]).indexOf('a');
    expect(Number((latest.followers as unknown[])[at])).toBe(metricsA.followers);

    // Another process: gone after its next check; paths there no longer pass through hub either.
    expect((await get(other, '/v1/customers/hub/metrics')).statusCode).toBe(200);
    await other.app.services.snapshots.check();
    expect((await get(other, '/v1/customers/hub/metrics')).statusCode).toBe(404);
    for (const list of Object.values(await everywhere(other))) expect(list.has('hub')).toBe(false);
    expect((await get(other, '/v1/paths?from=a&to=b')).json().paths).toEqual([]);
    // The log holds no erased id, only its key.
    const log = await ctx.db.autoCommit('MATCH (e:PrivacyEvent) RETURN e.customerId AS id, e.kind AS kind');
    expect(log.records.filter((r) => r.get('kind') === 'erase').map((r) => r.get('id'))).toEqual([null]);
  });

  it('exports a customer no run has scored (empty score history) and one with scores, stances and communities', async () => {
    expect((await put(ctx, 'fresh', { name: 'New' })).statusCode).toBe(200);
    const fresh = await admin(ctx, 'GET', '/v1/customers/fresh/export');
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fresh.json().customer.id).toBe('fresh');
    expect(fresh.json().scoreHistory).toEqual([]);

    const scored = await admin(ctx, 'GET', '/v1/customers/a/export');
    expect(scored.statusCode, scored.body).toBe(200);
    const history = scored.json().scoreHistory as Record<string, unknown>[];
    expect(history).toHaveLength(2);
    for (const run of history) {
      expect(typeof run.community).toBe('number');
      expect(run.stances).toEqual([expect.objectContaining({ brand: 'br1', stance: 'advocate' })]);
    }
  });

  it('creates, reads, updates, exports and erases a customer with a 128-character id on every customer route', async () => {
    for (const id of ['i'.repeat(128), 'é'.repeat(127) + '€']) {
      const url = `/v1/customers/${encodeURIComponent(id)}`;
      expect((await put(ctx, id, { name: 'Long' })).statusCode).toBe(200);
      expect((await patch(ctx, id, { name: 'Longer' })).statusCode).toBe(200);
      const read = await get(ctx, url);
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json().properties).toMatchObject({ id, name: 'Longer' });
      expect((await get(ctx, `${url}/metrics`)).statusCode).toBe(404);
      expect((await get(ctx, `${url}/social-proof?target=brand:br1`)).statusCode).not.toBe(414);
      expect((await get(ctx, `${url}/advocate-paths`)).statusCode).toBe(404);
      expect((await get(ctx, `${url}/detractor-exposure`)).statusCode).toBe(404);
      const exported = await admin(ctx, 'GET', `${url}/export`);
      expect(exported.statusCode, exported.body).toBe(200);
      expect(exported.json().customer.id).toBe(id);
      expect((await admin(ctx, 'DELETE', url)).statusCode).toBe(200);
      expect((await get(ctx, url)).statusCode).toBe(404);
    }
  });

  it('an erasure and an opt-out made while a run publishes reach the read model that adopts it', async () => {
    // The read model reads the run's customers' details when the publication starts, before its
    // flip: changes made after that read must still show in the adopted run.
    expect((await put(ctx, 'late', { name: 'Late' })).statusCode).toBe(200);
    await post(ctx, 'ties', [{ from: 'late', to: 'c1', kind: 'FOLLOWS', weight: 1 }]);
    let changed = false;
    const run = await ctx.app.services.runs.start({}, {
      onPublishBatch: async () => {
        if (changed) return;
        changed = true;
        expect((await admin(ctx, 'DELETE', '/v1/customers/late')).statusCode).toBe(200);
        expect((await patch(ctx, 'c6', { optedOut: true })).statusCode).toBe(200);
      },
    });
    const done = await ctx.app.services.runs.wait(run.id);
    expect(done.status, done.message).toBe('completed');
    expect(changed).toBe(true);
    expect((await get(ctx, '/v1/super-users?limit=1')).json().runId).toBe(run.id);
    expect((await get(ctx, '/v1/customers/late/metrics')).statusCode).toBe(404);
    expect((await get(ctx, '/v1/customers/c6/metrics')).statusCode).toBe(409);
    const seen = await everywhere(ctx);
    for (const list of Object.values(seen)) expect(list.has('late') || list.has('c6')).toBe(false);
    expect((await patch(ctx, 'c6', { optedOut: false })).statusCode).toBe(200);
    expect((await get(ctx, '/v1/customers/c6/metrics')).statusCode).toBe(200);
  });
});
