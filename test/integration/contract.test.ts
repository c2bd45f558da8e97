/**
 * The API says the same thing everywhere: framework errors are problem+json (checked over a real
 * socket), tampered cursors, empty numeric filters and lone surrogates are refused with the field
 * named, the OpenAPI document is served at /openapi.json, trust and distrust are ranked lists with
 * CSV, and network metrics describe both the social-tie and the attention graph.
 */
import net from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { errorsPlugin } from '../../src/http/plugins/errors.plugin.js';
import { analyse, auth, clearDatabase, createTestApp, get, post, type TestContext } from './helpers.js';

const T = '2026-06-01T10:00:00Z';
const PROBLEM = /^application\/problem\+json/;

/** Sends raw bytes to the listening app and returns the whole answer (status line, headers, body). */
function raw(port: number, text: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    let out = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => (out += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = out.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), headers: head.toLowerCase(), body: rest.join('\r\n\r\n') });
    });
  });
}

/** The offset cursor format of the ranking endpoints, for a given run. */
const cursor = (runId: string, o: unknown) => Buffer.from(JSON.stringify({ r: runId, o })).toString('base64url');

/**
 * Interactions only, no FOLLOWS/KNOWS: x1↔x2, x2→x3, x3→x1 and x4↔x5, x5→x6, x6→x4 are friendly;
 * x4, x5, x6 are hostile to x1; x1..x5 are hostile to the opted-out "oo". 7 customers, 16 distinct
 * ordered pairs, 4 of them reciprocated.
 */
async function loadInteractionGraph(ctx: TestContext) {
  await post(ctx, 'customers', [...['x1', 'x2', 'x3', 'x4', 'x5', 'x6'].map((id) => ({ id, region: 'eu' })), { id: 'oo', optedOut: true }]);
  const friendly = [
    ['x1', 'x2'],
    ['x2', 'x1'],
    ['x2', 'x3'],
    ['x3', 'x1'],
    ['x4', 'x5'],
    ['x5', 'x4'],
    ['x5', 'x6'],
    ['x6', 'x4'],
  ];
  const hostile = [
    ['x4', 'x1'],
    ['x5', 'x1'],
    ['x6', 'x1'],
    ...['x1', 'x2', 'x3', 'x4', 'x5'].map((id) => [id, 'oo']),
  ];
  await post(ctx, 'interactions', [
    ...friendly.map(([from, to]) => ({ from, to, kind: 'like', at: T, count: 3, sentiment: 0.8 })),
    ...hostile.map(([from, to]) => ({ from, to, kind: 'reply', at: T, count: 2, sentiment: -0.9 })),
  ]);
}

describe('API contract', () => {
  let ctx: TestContext;
  let port: number;
  let runId: string;

  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await loadInteractionGraph(ctx);
    runId = (await analyse(ctx)).id;
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    port = (ctx.app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => ctx.close());

  describe('framework errors are problem+json with a code', () => {
    it('bad percent-encoding → 400 BAD_URL', async () => {
      const res = await raw(port, `GET /v1/customers/%E0%A4%A HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer test-read-key\r\nConnection: close\r\n\r\n`);
      expect(res.status).toBe(400);
      expect(res.headers).toMatch(/content-type: application\/problem\+json/);
      expect(JSON.parse(res.body)).toMatchObject({ status: 400, code: 'BAD_URL' });
    });

    it('a path parameter too long → 414 URI_TOO_LONG', async () => {
      const res = await raw(port, `GET /v1/customers/${'a'.repeat(5000)} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
      expect(res.status).toBe(414);
      expect(res.headers).toMatch(/content-type: application\/problem\+json/);
      expect(JSON.parse(res.body)).toMatchObject({ status: 414, code: 'URI_TOO_LONG' });
    });

    it('headers too large → 431 HEADERS_TOO_LARGE (refused by Node’s parser)', async () => {
      const res = await raw(port, `GET /health HTTP/1.1\r\nHost: t\r\nX-Big: ${'b'.repeat(40_000)}\r\nConnection: close\r\n\r\n`);
      expect(res.status).toBe(431);
      expect(res.headers).toMatch(/content-type: application\/problem\+json/);
      expect(JSON.parse(res.body)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
    });

    it('a request that is not HTTP → 400 MALFORMED_REQUEST', async () => {
      const res = await raw(port, `NOT-A-METHOD / HTTP/1.1\r\nHost: t\r\n\r\n`);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'MALFORMED_REQUEST' });
    });

    it('an unknown route or method → 404 ROUTE_NOT_FOUND', async () => {
      for (const [method, url] of [
        ['GET', '/v1/nothing-here'],
        ['PATCH', '/health'],
      ]) {
        const res = await ctx.app.inject({ method: method as 'GET', url, headers: auth('read') });
        expect(res.statusCode, url).toBe(404);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        expect(res.json().code).toBe('ROUTE_NOT_FOUND');
      }
    });

    it('full, read-only or denied storage → 507 INSUFFICIENT_STORAGE, retriable', async () => {
      const app = Fastify();
      await app.register(errorsPlugin);
      const fail = (code: string) => Object.assign(new Error(`${code}: no space left on device, write`), { code, syscall: 'write' });
      app.get('/disk/:code', async (request) => {
        throw fail((request.params as { code: string }).code);
      });
      app.get('/wrapped', async () => {
        throw new AppError('INTERNAL', 500, 'upload failed', { cause: fail('EROFS') });
      });
      for (const url of ['/disk/ENOSPC', '/disk/EROFS', '/disk/EACCES', '/disk/EDQUOT', '/wrapped']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(507);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        expect(res.headers['retry-after']).toBeDefined();
        expect(res.json()).toMatchObject({ status: 507, code: 'INSUFFICIENT_STORAGE', retriable: true });
      }
      await app.close();
    });
  });

  describe('input edge cases', () => {
    it('tampered ranking cursors (negative, fractional, huge, not a number) → 400 naming query.cursor', async () => {
      const first = await get(ctx, '/v1/super-users?limit=2');
      expect(first.statusCode).toBe(200);
      expect(first.json().nextCursor).toBeDefined();
      const ok = await get(ctx, `/v1/super-users?limit=2&cursor=${first.json().nextCursor}`);
      expect(ok.statusCode).toBe(200);
      for (const o of [-5, 1.5, 1e12, 'abc', null]) {
        for (const path of ['/v1/super-users', '/v1/trust']) {
          const res = await get(ctx, `${path}?cursor=${cursor(runId, o)}`);
          expect(res.statusCode, `${path} o=${String(o)}`).toBe(400);
          expect(res.headers['content-type']).toMatch(PROBLEM);
          expect(res.json().errors[0].path).toEqual(['query', 'cursor']);
        }
      }
    });

    it('tampered entity-list cursors → 400 naming query.cursor', async () => {
      const first = await get(ctx, '/v1/customers?limit=2');
      expect(first.statusCode).toBe(200);
      const next = first.json().nextCursor as string;
      expect((await get(ctx, `/v1/customers?limit=2&cursor=${next}`)).statusCode).toBe(200);
      const forged = (v: unknown) => Buffer.from(JSON.stringify({ a: v })).toString('base64url');
      for (const c of [forged(-5), forged(1.5), forged(null), 'not-a-cursor', Buffer.from('{"a":').toString('base64url')]) {
        const res = await get(ctx, `/v1/customers?cursor=${c}`);
        expect(res.statusCode, c).toBe(400);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        expect(res.json().errors[0].path).toEqual(['query', 'cursor']);
      }
    });

    it('an empty numeric filter (`?community=`) → 400 naming the field, not community 0', async () => {
      for (const url of [
        '/v1/super-users?community=',
        '/v1/super-users?minReach=',
        '/v1/trust?community=',
        '/v1/communities?offset=',
        '/v1/super-users?pagerankWeight=',
      ]) {
        const res = await get(ctx, url);
        expect(res.statusCode, url).toBe(400);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        const name = /\?(\w+)=/.exec(url)![1];
        expect(res.json().errors.map((e: { path: unknown[] }) => e.path)).toContainEqual(['query', name]);
      }
      // A real 0 still filters.
      expect((await get(ctx, '/v1/super-users?community=0')).statusCode).toBe(200);
    });

    it('a lone UTF-16 surrogate in a body (value or key) or a path → 400 with its path, nothing written', async () => {
      const body = '[{"id":"s1","name":"broken \\ud800 name"},{"id":"s2","name":"fine \\ud83d\\ude00"}]';
      const res = await ctx.app.inject({ method: 'POST', url: '/v1/customers/bulk', headers: { ...auth('write'), 'content-type': 'application/json' }, payload: body });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.json().errors).toEqual([expect.objectContaining({ path: ['body', 0, 'name'], code: 'lone_surrogate' })]);
      expect((await ctx.app.inject({ method: 'GET', url: '/v1/customers/s2', headers: auth('read') })).statusCode).toBe(404);
      // A lone low surrogate in a key, and in a query string.
      const key = await ctx.app.inject({
        method: 'PUT',
        url: '/v1/customers/s3',
        headers: { ...auth('write'), 'content-type': 'application/json' },
        payload: '{"name":"ok","\\udc00":1}',
      });
      expect(key.statusCode).toBe(400);
      expect(key.json().errors[0].code).toBe('lone_surrogate');
      // In a URL a surrogate can only come UTF-8 encoded, where a lone one is not valid UTF-8.
      const path = await ctx.app.inject({ method: 'GET', url: '/v1/customers/a%ED%A0%80', headers: auth('read') });
      expect(path.statusCode).toBe(400);
      expect(path.headers['content-type']).toMatch(PROBLEM);
      // A well-formed pair is text like any other.
      const pair = await ctx.app.inject({ method: 'PUT', url: '/v1/customers/s4', headers: { ...auth('write'), 'content-type': 'application/json' }, payload: '{"name":"smile \\ud83d\\ude00"}' });
      expect(pair.statusCode, pair.body).toBeLessThan(300);
    });
  });

  it('serves the OpenAPI document at /openapi.json without a key', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/trust'].get['x-required-scope']).toBe('read');
    expect(doc.paths['/v1/super-users'].get.responses['401'].content).toHaveProperty(['application/problem+json']);
  });

  describe('trust and distrust lists', () => {
    it('ranks by distrust, highest first, without opted-out customers', async () => {
      const res = await get(ctx, '/v1/trust?sort=distrust&limit=10');
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json();
      expect(page).toMatchObject({ runId, sort: 'distrust', order: 'desc' });
      const ids = page.items.map((e: { id: string }) => e.id);
      // oo receives the most hostility but opted out; x1 is the most distrusted listed customer.
      expect(ids).not.toContain('oo');
      expect(ids[0]).toBe('x1');
      expect(ids).toHaveLength(6);
      const distrust = page.items.map((e: { trust: { distrust: number } }) => e.trust.distrust);
      expect(distrust).toEqual([...distrust].sort((a, b) => b - a));
      expect(page.items[0].rank).toBe(1);
      expect(page.items[0].explanation).toMatch(/^#1 by distrust/);
    });

    it('sorts by trust or net trust either way round, pages with a cursor', async () => {
      const desc = (await get(ctx, '/v1/trust?sort=netTrust')).json();
      const asc = (await get(ctx, '/v1/trust?sort=netTrust&order=asc')).json();
      const net = (p: { items: { trust: { netTrust: number } }[] }) => p.items.map((e) => e.trust.netTrust);
      expect(net(desc)).toEqual([...net(desc)].sort((a, b) => b - a));
      expect(net(asc)).toEqual([...net(asc)].sort((a, b) => a - b));
      expect(asc.items[0].id).toBe('x1');
      const trust = (await get(ctx, '/v1/trust?sort=trust')).json();
      const values = trust.items.map((e: { trust: { trust: number } }) => e.trust.trust);
      expect(values).toEqual([...values].sort((a, b) => b - a));
      const page1 = (await get(ctx, '/v1/trust?sort=distrust&limit=4')).json();
      expect(page1.items).toHaveLength(4);
      const page2 = (await get(ctx, `/v1/trust?sort=distrust&limit=4&cursor=${page1.nextCursor}`)).json();
      expect(page2.items.map((e: { rank: number }) => e.rank)).toEqual([5, 6]);
      expect((await get(ctx, '/v1/trust?sort=influence')).statusCode).toBe(400);
    });

    it('exports CSV with trust, distrust and netTrust columns', async () => {
      const res = await get(ctx, '/v1/trust?sort=distrust&format=csv');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const lines = res.body.trim().split('\n');
      const header = lines[0].split(',');
      expect(header.slice(-3)).toEqual(['trust', 'distrust', 'netTrust']);
      expect(lines).toHaveLength(7);
      expect(lines[1].split(',')[1]).toBe('x1');
      expect(res.body).not.toMatch(/(^|\n)\d+,oo,/);
      const distrust = lines.slice(1).map((l) => Number(l.split(',').at(-2)));
      expect(distrust).toEqual([...distrust].sort((a, b) => b - a));
    });
  });

  describe('network metrics say which graph they describe', () => {
    it('an interaction-only graph: social figures 0, attention figures right', async () => {
      const res = await get(ctx, '/v1/metrics/network');
      expect(res.statusCode).toBe(200);
      const m = res.json();
      expect(m.customers).toBe(7);
      expect(m.graphs.social).toMatchObject({ arcs: 0, density: 0, reciprocity: 0, averageClustering: 0, components: { count: 7, largest: 1 } });
      expect(m.graphs.social.degreeDistribution).toEqual([{ from: 0, to: 0, customers: 7 }]);
      const a = m.graphs.attention;
      expect(a.arcs).toBe(16);
      expect(a.density).toBeCloseTo(16 / 42, 6);
      expect(a.reciprocity).toBeCloseTo(4 / 16, 6);
      expect(a.components).toEqual({ count: 1, largest: 7 });
      expect(a.degreeDistribution.reduce((s: number, b: { customers: number }) => s + b.customers, 0)).toBe(7);
      // The top-level figures keep their meaning: density etc. of the tie graph, components of the attention graph.
      expect(m.density).toBe(0);
      expect(m.components).toEqual({ count: 1, largest: 7 });
      expect(m.communities.count).toBeGreaterThan(0);
    });

    it('community density on both graphs', async () => {
      const res = await get(ctx, '/v1/communities');
      expect(res.statusCode).toBe(200);
      const items = res.json().items as { size: number; density: number; internalTies: number; attention: { density: number; internalArcs: number } }[];
      expect(items.length).toBeGreaterThan(0);
      let arcs = 0;
      for (const c of items) {
        expect(c.density).toBe(0);
        expect(c.internalTies).toBe(0);
        if (c.size > 1) expect(c.attention.density).toBeCloseTo(c.attention.internalArcs / (c.size * (c.size - 1)), 6);
        arcs += c.attention.internalArcs;
      }
      expect(arcs).toBeGreaterThan(0);
      expect(arcs).toBeLessThanOrEqual(16);
    });
  });
});
