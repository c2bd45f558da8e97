/**
 * Injection corpus: Cypher fragments, `$param` look-alikes, backticks, NUL, a 10,000-character
 * string, unicode look-alikes, RTL marks, emoji, backslashes and a lone surrogate, put into every
 * string field of every write body (found in the OpenAPI document), every entity id, and every
 * path and string query parameter of every operation. Each value is either stored verbatim (read
 * back equal) or refused with a 4xx; never a 5xx; and the node and relationship counts change by
 * exactly what the accepted writes created.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { analyse, auth, clearDatabase, createTestApp, post, type TestContext } from './helpers.js';

const CORPUS: [string, string][] = [
  ['quote-or', "' OR 1=1 //"],
  ['detach-delete', '}) MATCH (n) DETACH DELETE n //'],
  ['param', '$id'],
  ['param-braces', '{id: $id}'],
  ['backticks', '`Customer`) DETACH DELETE n //'],
  ['nul', '\u0000'],
  ['inner-nul', 'a\u0000b'],
  ['long', 'x'.repeat(10_000)],
  ['look-alike', 'с000001'], // Cyrillic es
  ['fullwidth', 'ＭＡＴＣＨ（ｎ）'],
  ['rtl', 'abc\u202Edef\u200F'],
  ['emoji', '😀👍🏽‍🔥'],
  ['backslash', '\\'],
  ['escaped-unicode', '\\u0027 OR 1=1'],
  ['lone-surrogate', '\ud800'],
  ['call-proc', "'}) CALL dbms.killQueries([]) //"],
];

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
type Doc = {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema?: Schema }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
};

const AT = '2026-06-01T10:00:00Z';
/** A valid row of each kind, around which one field at a time is replaced. */
const BASE: Record<string, Record<string, unknown>> = {
  customers: { id: 'inj-c1', name: 'Base Customer', handle: 'base', segment: 'vip', region: 'eu', attributes: { tier: 'gold' } },
  brands: { id: 'inj-b', name: 'Base Brand' },
  topics: { id: 'inj-t', name: 'Base Topic' },
  products: { id: 'inj-p', name: 'Base Product', brandId: 'inj-b', category: 'shoes' },
  campaigns: { id: 'inj-camp', name: 'Base Campaign', brandId: 'inj-b' },
  content: { id: 'inj-content', authorId: 'inj-c1', kind: 'post', createdAt: AT, text: 'hello', topicIds: ['inj-t'], brandId: 'inj-b', productId: 'inj-p' },
  ties: { from: 'inj-c1', to: 'inj-c2', kind: 'FOLLOWS' },
  interactions: { id: 'inj-i', from: 'inj-c1', to: 'inj-c2', kind: 'mention', at: AT },
  engagements: { id: 'inj-e', customerId: 'inj-c1', targetKind: 'brand', targetId: 'inj-b', kind: 'like', at: AT, channel: 'web' },
  ratings: { id: 'inj-r', customerId: 'inj-c1', brandId: 'inj-b', score: 9, at: AT },
};
const LABEL: Record<string, string> = { customers: 'Customer', brands: 'Brand', topics: 'Topic', products: 'Product', campaigns: 'Campaign', content: 'Content' };
const REL: Record<string, string> = { interactions: 'INTERACTED', engagements: 'ENGAGED', ratings: 'RATED' };

const isString = (s: Schema) => (s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'))) && !s.enum && !s.format;

describe('injection corpus in every string field, id and parameter', () => {
  let ctx: TestContext;
  let doc: Doc;
  let expected: { nodes: number; rels: number };
  const outcomes = { stored: 0, refused: 0 };

  const deref = (s: Schema | undefined): Schema => {
    let cur = s ?? {};
    while (cur.$ref) cur = doc.components?.schemas?.[cur.$ref.split('/').pop()!] ?? {};
    if (cur.allOf?.length === 1) return deref(cur.allOf[0]);
    return cur;
  };

  const totals = async () => {
    const n = await ctx.db.autoCommit('MATCH (n) RETURN count(n) AS n');
    const r = await ctx.db.autoCommit('MATCH ()-[r]->() RETURN count(r) AS n');
    return { nodes: Number(n.records[0].get('n')), rels: Number(r.records[0].get('n')) };
  };

  /** String fields of a row schema: plain strings, arrays of strings and string attribute values. */
  const stringFields = (schema: Schema): { field: string; shape: 'string' | 'array' | 'map' }[] => {
    const fields: { field: string; shape: 'string' | 'array' | 'map' }[] = [];
    for (const [field, raw] of Object.entries(deref(schema).properties ?? {})) {
      const s = deref(raw);
      const variants = s.anyOf ?? s.oneOf ?? [s];
      if (variants.some((v) => isString(deref(v)))) fields.push({ field, shape: 'string' });
      else if (s.items && isString(deref(s.items))) fields.push({ field, shape: 'array' });
      else if (typeof s.additionalProperties === 'object') fields.push({ field, shape: 'map' });
    }
    return fields;
  };

  /** What a row reads back as, for comparison with what was sent. */
  const readBack = async (kind: string, id: string): Promise<Record<string, unknown> | undefined> => {
    if (LABEL[kind]) {
      let url: string | undefined;
      try {
        url = `/v1/${kind}/${encodeURIComponent(id)}`;
      } catch {
        url = undefined; // a lone surrogate cannot be put in a URL; read it from the database only
      }
      const res = url ? await ctx.app.inject({ method: 'GET', url, headers: auth('read') }) : undefined;
      const viaApi = res?.statusCode === 200 ? ((res.json() as { properties: Record<string, unknown> }).properties ?? {}) : undefined;
      const viaDb = await ctx.db.autoCommit(`MATCH (n:${LABEL[kind]} {id: $id}) RETURN properties(n) AS p`, { id });
      const stored = viaDb.records[0]?.get('p') as Record<string, unknown> | undefined;
      return viaApi && stored ? { ...stored, ...viaApi } : (viaApi ?? stored);
    }
    const res = await ctx.db.autoCommit(`MATCH ()-[r:${REL[kind]} {id: $id}]->() RETURN properties(r) AS p`, { id });
    return res.records[0]?.get('p') as Record<string, unknown> | undefined;
  };

  /** Every broken promise, collected so that one run reports all of them. */
  let problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  const checkCounts = async (label: string) => {
    const now = await totals();
    if (now.nodes !== expected.nodes || now.rels !== expected.rels) {
      problems.push(`${label}: counts changed from ${JSON.stringify(expected)} to ${JSON.stringify(now)}`);
      expected = now;
    }
  };

  /** Sends one write; checks stored-verbatim-or-4xx; returns true when accepted. */
  const tryWrite = async (label: string, method: 'PUT' | 'POST' | 'PATCH', url: string, body: unknown, readBackCheck: () => Promise<string | undefined>) => {
    const res = await ctx.app.inject({ method, url, headers: { ...auth('admin'), 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    if (res.statusCode >= 500) {
      problems.push(`${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      return false;
    }
    if (res.statusCode >= 400) {
      check(/^application\/problem\+json/.test(String(res.headers['content-type'])), `${label}: ${res.statusCode} answered as ${res.headers['content-type']}, not problem+json`);
      outcomes.refused++;
      return false;
    }
    const differs = await readBackCheck();
    if (differs) problems.push(`${label}: accepted but ${differs}`);
    else outcomes.stored++;
    return true;
  };

  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await post(ctx, 'brands', [BASE.brands]);
    await post(ctx, 'topics', [BASE.topics]);
    await post(ctx, 'products', [BASE.products]);
    await post(ctx, 'campaigns', [BASE.campaigns]);
    await post(ctx, 'customers', [BASE.customers, { id: 'inj-c2', name: 'Second' }, { id: 'inj-c3', name: 'Third' }]);
    await post(ctx, 'content', [BASE.content]);
    await post(ctx, 'ties', [BASE.ties, { from: 'inj-c2', to: 'inj-c3', kind: 'KNOWS' }, { from: 'inj-c3', to: 'inj-c1', kind: 'FOLLOWS' }]);
    await post(ctx, 'interactions', [BASE.interactions]);
    await post(ctx, 'engagements', [BASE.engagements]);
    await post(ctx, 'ratings', [BASE.ratings]);
    await analyse(ctx);
    doc = ctx.app.swagger() as unknown as Doc;
    expected = await totals();
  });

  beforeEach(async () => {
    problems = [];
    if (ctx) expected = await totals();
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('stores each value in each string field of each write body verbatim, or refuses it with a 4xx', async () => {
    let operations = 0;
    for (const [route, item] of Object.entries(doc.paths)) {
      for (const method of ['put', 'post', 'patch'] as const) {
        const op = item[method];
        const schema = op?.requestBody?.content?.['application/json']?.schema;
        const kind = /^\/v1\/([a-z]+)(\/bulk|\/\{id\})$/.exec(route)?.[1];
        if (!op || !schema || !kind || !BASE[kind]) continue;
        const bulk = route.endsWith('/bulk');
        const rowSchema = bulk ? deref(schema).items! : schema;
        operations++;
        for (const { field, shape } of stringFields(rowSchema)) {
          if (field === 'id' && !bulk) continue;
          for (const [name, value] of CORPUS) {
            const row: Record<string, unknown> = { ...BASE[kind] };
            const rowId = field === 'id' ? value : (row.id as string | undefined);
            if (shape === 'string') row[field] = value;
            else if (shape === 'array') row[field] = [value];
            else row[field] = { ...(row[field] as object), note: value };
            const label = `${method.toUpperCase()} ${route} ${field}=${name}`;
            const url = bulk ? `/v1/${kind}/bulk` : `/v1/${kind}/${BASE[kind].id as string}`;
            const body = bulk ? [row] : (({ id: _id, ...rest }) => rest)(row);
            const accepted = await tryWrite(label, method.toUpperCase() as 'PUT', url, body, async () => {
              if (!rowId) return undefined; // ties have no id; their string fields are references
              const stored = await readBack(kind, rowId);
              if (!stored) return 'not found afterwards';
              const raw = stored[field];
              const map = typeof raw === 'string' && shape === 'map' ? (JSON.parse(raw) as Record<string, unknown>) : (raw as Record<string, unknown>);
              const got = shape === 'map' ? map?.note : shape === 'array' ? (raw as unknown[])?.[0] : raw;
              return got === value ? undefined : `read back as ${JSON.stringify(got)?.slice(0, 60)}`;
            });
            if (accepted && field === 'id') {
              // A new row under the injected id: remove it so the counts stay comparable.
              if (LABEL[kind]) await ctx.db.autoCommit(`MATCH (n:${LABEL[kind]} {id: $id}) DETACH DELETE n`, { id: value });
              else await ctx.db.autoCommit(`MATCH ()-[r:${REL[kind]} {id: $id}]->() DELETE r`, { id: value });
            }
            await checkCounts(label);
          }
          // Restore the row's base values before the next field.
          await ctx.app.inject({ method: 'POST', url: `/v1/${kind}/bulk`, headers: auth('admin'), payload: [BASE[kind]] });
        }
      }
    }
    expect(operations).toBeGreaterThanOrEqual(16);
    expect(problems, problems.slice(0, 40).join('\n')).toEqual([]);
  });

  it('stores each value as an entity id verbatim (PUT /v1/{kind}/{id}), or refuses it with a 4xx', async () => {
    for (const kind of Object.keys(LABEL)) {
      const { id: _id, ...body } = BASE[kind];
      for (const [name, value] of CORPUS) {
        let path: string;
        try {
          path = `/v1/${kind}/${encodeURIComponent(value)}`;
        } catch {
          continue; // a lone surrogate cannot be put in a URL
        }
        const label = `PUT /v1/${kind}/{id} id=${name}`;
        const accepted = await tryWrite(label, 'PUT', path, body, async () => {
          const stored = await readBack(kind, value);
          return stored?.id === value ? undefined : `read back as ${JSON.stringify(stored?.id)?.slice(0, 60)}`;
        });
        if (accepted) await ctx.db.autoCommit(`MATCH (n:${LABEL[kind]} {id: $id}) DETACH DELETE n`, { id: value });
        await checkCounts(label);
      }
    }
    expect(problems, problems.slice(0, 40).join('\n')).toEqual([]);
  });

  it('answers every operation with each value in each path and string query parameter without a 5xx or a write', async () => {
    const valid: Record<string, string> = { from: 'inj-c1', to: 'inj-c2', target: 'brand:inj-b', brand: 'inj-b' };
    const pathValue = (route: string, name: string) => {
      if (name === 'kind') return 'customers';
      const kind = /^\/v1\/([a-z]+)\//.exec(route)?.[1] ?? '';
      if (kind === 'communities') return '0';
      return (BASE[kind]?.id as string | undefined) ?? 'inj-none';
    };
    let requests = 0;
    for (const [route, item] of Object.entries(doc.paths)) {
      if (!route.startsWith('/v1/')) continue;
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'delete', 'post', 'put', 'patch'].includes(method)) continue;
        const params = op.parameters ?? [];
        const required = params.filter((p) => p.in === 'query' && (p as { required?: boolean }).required);
        for (const target of params.filter((p) => p.in === 'path' || (p.in === 'query' && deref(p.schema).type !== 'integer' && deref(p.schema).type !== 'number'))) {
          // Writes are covered above; a DELETE of a real customer would erase it. Path values here are ids nobody has.
          if (method !== 'get' && target.in === 'query') continue;
          for (const [name, value] of CORPUS) {
            let encoded: string;
            try {
              encoded = encodeURIComponent(value);
            } catch {
              continue;
            }
            let url = route.replace(/\{(\w+)\}/g, (_, p: string) => (p === target.name && target.in === 'path' ? encoded : encodeURIComponent(pathValue(route, p))));
            const query = new URLSearchParams();
            for (const r of required) if (r.name !== target.name) query.set(r.name, valid[r.name] ?? 'x');
            let qs = query.toString();
            if (target.in === 'query') qs = `${qs ? `${qs}&` : ''}${encodeURIComponent(target.name)}=${encoded}`;
            if (qs) url += `?${qs}`;
            const res = await ctx.app.inject({
              method: method.toUpperCase() as 'GET',
              url,
              headers: method === 'get' || method === 'delete' ? auth('admin') : { ...auth('admin'), 'content-type': 'application/json' },
              payload: method === 'get' || method === 'delete' ? undefined : JSON.stringify('inj'),
            });
            requests++;
            const label = `${method.toUpperCase()} ${route} ${target.name}=${name}`;
            check(res.statusCode < 500, `${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
            if (res.statusCode >= 400) check(/^application\/problem\+json/.test(String(res.headers['content-type'])), `${label}: ${res.statusCode} answered as ${res.headers['content-type']}, not problem+json`);
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(200);
    await checkCounts('parameter requests');
    expect(problems, problems.slice(0, 40).join('\n')).toEqual([]);
    console.log(`[injection] ${outcomes.stored} values stored verbatim, ${outcomes.refused} refused, ${requests} parameter requests`);
  });
});
