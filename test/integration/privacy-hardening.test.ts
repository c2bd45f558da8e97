/**
 * Privacy sweep over the whole API: after one customer is erased and another opts out (and no new
 * analytics run), every GET operation of the OpenAPI document — lists, CSV exports, metrics,
 * communities, paths, social proof, stance, exports — is called for several customers, brands,
 * communities and runs, following pages. The erased customer's id and name appear nowhere; the
 * opted-out customer's id appears only in the CRM's own records of the graph (entity reads, lists
 * and exports), never in a ranking, community, path or metric; their metrics answer 409.
 * Before the change both customers are found in several answers, so the sweep is not vacuous.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGeneratedDataset } from '../../src/demo.js';
import { analyse, auth, clearDatabase, createTestApp, type TestContext } from './helpers.js';

type Param = { name: string; in: string; required?: boolean; schema?: { enum?: string[]; maximum?: number; type?: string } };
type Doc = { paths: Record<string, Record<string, { parameters?: Param[] }>> };

interface Subject {
  id: string;
  name?: string;
  community?: number;
}

/** A JSON answer without its top-level fields that only name the customer asked about. */
function withoutSubject(part: string, id: string): string {
  const body = part.slice(part.indexOf('\n') + 1);
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    for (const [k, v] of Object.entries(json)) {
      if (v === id || (typeof v === 'object' && v !== null && (v as { id?: unknown }).id === id)) delete json[k];
    }
    return JSON.stringify(json);
  } catch {
    return part;
  }
}

/** Routes that are the CRM's own record of the graph: an opted-out customer is still held there. */
const RECORD_ROUTES = [/^\/v1\/(customers|brands|products|topics|campaigns|content)$/, /^\/v1\/(customers|brands|products|topics|campaigns|content)\/\{id\}$/, /^\/v1\/customers\/\{id\}\/export$/];

describe('erasure and opt-out reach every list, CSV, path and export at once', () => {
  let ctx: TestContext;
  let doc: Doc;
  let erased: Subject;
  let optedOut: Subject;
  let others: string[];
  let ids: Record<string, string[]>;
  let pairs: [string, string][];
  let before: Map<string, string>;

  const get = async (url: string) => {
    const res = await ctx.app.inject({ method: 'GET', url, headers: auth('admin') });
    return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), body: res.body };
  };

  /** Every GET of the document with concrete URLs: each id of its kind, JSON and CSV, limits at their maximum. */
  const requests = (): { route: string; url: string }[] => {
    const out: { route: string; url: string }[] = [];
    for (const [route, item] of Object.entries(doc.paths)) {
      const op = item.get;
      if (!route.startsWith('/v1/') || !op) continue;
      const params = op.parameters ?? [];
      const pathNames = params.filter((p) => p.in === 'path').map((p) => p.name);
      const kind = /^\/v1\/([a-z-]+)/.exec(route)![1];
      const values: Record<string, string>[] = [];
      if (pathNames.length === 0) values.push({});
      else if (kind === 'analytics') ids.runs.forEach((id) => values.push({ id }));
      else if (kind === 'imports') ids.imports.forEach((id) => values.push({ id }));
      else if (kind === 'communities') ids.communities.forEach((id) => values.push({ id }));
      else (ids[kind] ?? []).forEach((id) => values.push({ id }));
      for (const v of values) {
        const base = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(v[name]));
        const queries: URLSearchParams[] = [];
        const from = params.find((p) => p.name === 'from' && p.in === 'query');
        if (from?.required) for (const [a, b] of pairs) queries.push(new URLSearchParams({ from: a, to: b }));
        else queries.push(new URLSearchParams());
        for (const q of queries) {
          for (const p of params.filter((x) => x.in === 'query' && x.required && !q.has(x.name))) {
            q.set(p.name, p.name === 'target' ? 'brand:b1' : (p.schema?.enum?.[0] ?? 'b1'));
          }
          const limit = params.find((p) => p.name === 'limit' && p.in === 'query');
          const format = params.find((p) => p.name === 'format' && p.in === 'query');
          if (limit) q.set('limit', String(Math.min(limit.schema?.maximum ?? 100, 500)));
          out.push({ route, url: `${base}${q.size ? `?${q}` : ''}` });
          if (format?.schema?.enum?.includes('csv')) {
            const csv = new URLSearchParams(q);
            csv.set('format', 'csv');
            if (limit) csv.set('limit', String(limit.schema?.maximum ?? 100_000));
            out.push({ route, url: `${base}?${csv}` });
          }
        }
      }
    }
    return out;
  };

  /** Every page of every request's answer, concatenated per URL. */
  const sweep = async (): Promise<Map<string, string>> => {
    const bodies = new Map<string, string>();
    for (const { route, url } of requests()) {
      let text = '';
      let next: string | undefined = url;
      for (let page = 0; next && page < 10; page++) {
        const res = await get(next);
        expect(res.status, `${next}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
        text += `\n${res.status} ${res.type}\n${res.body}`;
        const cursor = res.type.includes('json') ? (JSON.parse(res.body) as { nextCursor?: string }).nextCursor : undefined;
        next = cursor ? `${url}${url.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : undefined;
      }
      bodies.set(`${route} ${url}`, text);
    }
    return bodies;
  };

  const mentions = (text: string, s: Subject) => new RegExp(`(^|[^\\w-])${s.id}([^\\w-]|$)`).test(text);
  const namesMention = (text: string, s: Subject) => s.name !== undefined && text.includes(s.name);

  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await loadGeneratedDataset(ctx.app.services.ingest, 1000, 5);
    const run = await analyse(ctx);
    doc = ctx.app.swagger() as unknown as Doc;

    const top = JSON.parse((await get('/v1/super-users?limit=10')).body) as { items: { id: string }[] };
    const detractors = JSON.parse((await get('/v1/detractors?limit=1')).body) as { items: { id: string }[] };
    const pick = async (id: string): Promise<Subject> => {
      const res = await ctx.db.autoCommit('MATCH (c:Customer {id: $id}) OPTIONAL MATCH (o:Customer {name: c.name}) RETURN c.name AS name, c.community AS community, count(o) AS same', { id });
      const r = res.records[0];
      // A name shared with another customer is no evidence of a leak; only a unique one is checked.
      return { id, name: Number(r.get('same')) === 1 ? (r.get('name') as string) : undefined, community: Number(r.get('community')) };
    };
    erased = await pick(top.items[0].id);
    const detractor = detractors.items.find((d) => d.id !== erased.id)!;
    optedOut = await pick(detractor.id);
    others = top.items.map((i) => i.id).filter((id) => id !== erased.id && id !== optedOut.id).slice(0, 3);
    pairs = [
      [erased.id, others[0]],
      [others[0], erased.id],
      [optedOut.id, others[0]],
      [others[0], optedOut.id],
      [others[0], others[1]],
      [others[1], others[2]],
    ];
    const firstIds = async (kind: string) => ((JSON.parse((await get(`/v1/${kind}?limit=3`)).body) as { items?: { id: string }[] }).items ?? []).map((i) => i.id);
    const erasedContent = ((JSON.parse((await get(`/v1/content?authorId=${erased.id}&limit=5`)).body) as { items?: { id: string }[] }).items ?? []).map((i) => i.id);
    ids = {
      customers: [erased.id, optedOut.id, ...others],
      brands: await firstIds('brands'),
      products: await firstIds('products'),
      topics: await firstIds('topics'),
      campaigns: await firstIds('campaigns'),
      content: [...(await firstIds('content')), ...erasedContent],
      communities: [...new Set([erased.community, optedOut.community, 0].map(String))],
      runs: [run.id],
      imports: ['no-such-import'],
      super: [],
    };
    before = await sweep();
  }, 300_000);

  afterAll(async () => {
    await ctx?.close();
  });

  it('finds both customers in many answers before the change', () => {
    const withErased = [...before].filter(([, body]) => mentions(body, erased)).map(([k]) => k);
    const withOptedOut = [...before].filter(([k, body]) => mentions(body, optedOut) && !RECORD_ROUTES.some((r) => r.test(k.split(' ')[0]))).map(([k]) => k);
    console.log(`[privacy-hardening] ${before.size} requests; erased customer in ${withErased.length}, opted-out customer in ${withOptedOut.length} non-record answers`);
    expect(withErased.some((k) => k.startsWith('/v1/super-users ') && k.includes('format=csv'))).toBe(true);
    expect(withErased.some((k) => k.startsWith('/v1/communities'))).toBe(true);
    expect(withOptedOut.some((k) => k.startsWith('/v1/detractors '))).toBe(true);
    expect(withErased.length).toBeGreaterThan(10);
    expect(withOptedOut.length).toBeGreaterThan(5);
  });

  it('after an erase and an opt-out, neither shows where it must not, without a new run', async () => {
    const erase = await ctx.app.inject({ method: 'DELETE', url: `/v1/customers/${erased.id}`, headers: auth('admin') });
    expect(erase.statusCode, erase.body).toBe(200);
    const record = JSON.parse((await get(`/v1/customers/${optedOut.id}`)).body) as { properties: Record<string, unknown> };
    const { id: _id, scoresRunId: _s, ...fields } = record.properties;
    const keep = ['name', 'handle', 'segment', 'region', 'createdAt', 'attributes'];
    const body: Record<string, unknown> = Object.fromEntries(Object.entries(fields).filter(([k]) => keep.includes(k)));
    if (typeof body.attributes === 'string') body.attributes = JSON.parse(body.attributes);
    const optOut = await ctx.app.inject({ method: 'PUT', url: `/v1/customers/${optedOut.id}`, headers: auth('write'), payload: { ...body, optedOut: true } });
    expect(optOut.statusCode, optOut.body).toBe(200);

    const after = await sweep();
    const leaks: string[] = [];
    for (const [key, text] of after) {
      const [route, url] = key.split(' ');
      // A problem document may repeat the id the caller sent; it must not say more than that.
      // An answer about the opted-out customer themselves may name its subject (customerId, customer).
      const aboutOptedOut = url.startsWith(`/v1/customers/${optedOut.id}/`);
      const payloads = text
        .split(/\n(?=\d{3} )/)
        .filter((part) => !/^\d{3} application\/problem\+json/.test(part.trim()))
        .map((part) => (aboutOptedOut ? withoutSubject(part, optedOut.id) : part));
      const visible = payloads.join('\n');
      if (mentions(visible, erased) || namesMention(text, erased)) leaks.push(`erased customer in ${key}`);
      if (!RECORD_ROUTES.some((r) => r.test(route)) && mentions(visible, optedOut)) leaks.push(`opted-out customer in ${key}`);
    }
    expect(leaks, leaks.slice(0, 30).join('\n')).toEqual([]);

    expect((await get(`/v1/customers/${erased.id}`)).status).toBe(404);
    expect((await get(`/v1/customers/${erased.id}/export`)).status).toBe(404);
    expect((await get(`/v1/customers/${erased.id}/metrics`)).status).toBe(404);
    const metrics = await get(`/v1/customers/${optedOut.id}/metrics`);
    expect(metrics.status, metrics.body).toBe(409);
    expect(JSON.parse(metrics.body).code).toBe('CUSTOMER_OPTED_OUT');
    const kept = await ctx.db.autoCommit('MATCH (r:RunResultsBlock) WHERE $id IN r.customerIds RETURN count(r) AS n', { id: erased.id });
    expect(Number(kept.records[0].get('n')), 'kept run results still hold the erased id').toBe(0);
  });
});
