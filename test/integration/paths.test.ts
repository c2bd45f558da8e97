import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRegistry } from '../../src/domain/api-keys.js';
import { PathsService, type HopDetailsSource, type HopPair } from '../../src/domain/paths.service.js';
import { Neo4jHopDetailsRepository } from '../../src/graph/hop-details.repository.js';
import { authPlugin } from '../../src/http/plugins/auth.plugin.js';
import { errorsPlugin } from '../../src/http/plugins/errors.plugin.js';
import { pathsRoutes } from '../../src/http/routes/paths.routes.js';
import { auth, clearDatabase, createTestApp, post, type TestContext } from './helpers.js';

/** The newest event: interaction ages (and stance ages) are measured from it, so interactions at T decay by exactly 1. */
const T = '2026-06-01T10:00:00Z';
const RATED = '2026-05-31T10:00:00Z';
const RECENT_PURCHASE = '2026-05-20T10:00:00Z';
const OLD_PURCHASE = '2025-11-01T10:00:00Z';
const INTERACTION_WEIGHT = 0.5;

/**
 * FOLLOWS a → b: a listens to b, so b's voice reaches a. KNOWS works both ways.
 *
 *   s → t, 2 hops three ways: via m3 (KNOWS w 2, then KNOWS w 1 + t's interactions with m3: strong),
 *   via m5 (m5 mentioned s; t follows m5 weakly), via m1 (weak follows; m1 comes first by id, so a
 *   plain BFS parent would pick it); 3 hops via the opted-out "optout1" (weights 5: the strongest).
 *   d1 → t (1 hop), d2 → m1 → t (2), d3 → q1 → s → m3 → t (4); "od" (opted out, detractor) → t.
 *   Separate part: R1 is followed by u1..u4 (v1 follows u1), R2 by w1 (w2 follows w1).
 */
const CUSTOMERS = [
  's', 't', 'm1', 'm2', 'm3', 'm5', 'd1', 'd2', 'd3', 'q1',
  'R1', 'R2', 'u1', 'u2', 'u3', 'u4', 'v1', 'w1', 'w2',
];
const OPTED_OUT = [
  { id: 'optout1', name: 'Olga Hidden' },
  { id: 'od', name: 'Otto Hidden' },
];
const TIES = [
  { from: 't', to: 'm1', kind: 'FOLLOWS', weight: 0.3 },
  { from: 'm1', to: 's', kind: 'FOLLOWS', weight: 0.3 },
  { from: 's', to: 'm3', kind: 'KNOWS', weight: 2 },
  { from: 'm3', to: 't', kind: 'KNOWS', weight: 1 },
  { from: 't', to: 'm5', kind: 'FOLLOWS', weight: 0.3 },
  { from: 'optout1', to: 's', kind: 'FOLLOWS', weight: 5 },
  { from: 'm2', to: 'optout1', kind: 'FOLLOWS', weight: 5 },
  { from: 't', to: 'm2', kind: 'FOLLOWS', weight: 5 },
  { from: 't', to: 'd1', kind: 'FOLLOWS', weight: 1 },
  { from: 'd2', to: 'm1', kind: 'KNOWS', weight: 1 },
  { from: 'q1', to: 'd3', kind: 'FOLLOWS', weight: 1 },
  { from: 's', to: 'q1', kind: 'FOLLOWS', weight: 1 },
  { from: 't', to: 'od', kind: 'FOLLOWS', weight: 1 },
  ...['u1', 'u2', 'u3', 'u4'].map((u) => ({ from: u, to: 'R1', kind: 'FOLLOWS', weight: 1 })),
  { from: 'v1', to: 'u1', kind: 'FOLLOWS', weight: 1 },
  { from: 'w1', to: 'R2', kind: 'FOLLOWS', weight: 1 },
  { from: 'w2', to: 'w1', kind: 'FOLLOWS', weight: 1 },
];
const INTERACTIONS = [
  { from: 't', to: 'm3', kind: 'share', at: T, count: 2, sentiment: 0.4 },
  { from: 't', to: 'm3', kind: 'like', at: T, count: 1, sentiment: -0.2 },
  { from: 'm5', to: 's', kind: 'mention', at: T, count: 4, sentiment: -0.5 },
];
const NPS: [string, string, number][] = [
  ['m2', 'br1', 9], ['s', 'br1', 10], ['optout1', 'br1', 10], ['u1', 'br1', 10], ['u2', 'br1', 9], ['v1', 'br1', 10],
  ['d1', 'br1', 2], ['d2', 'br1', 3], ['d3', 'br1', 1], ['od', 'br1', 1], ['R1', 'br1', 1], ['R2', 'br1', 0],
  ['d1', 'br2', 10],
];
const PURCHASES: [string, string][] = [['u3', RECENT_PURCHASE], ['w1', OLD_PURCHASE]];

// ---------------------------------------------------------------------------------------------
// The reference: the same rows as a plain adjacency list, and plain searches over it.

/** voice.get(x).get(y) = weight of the attention arc y → x: x's voice reaches y. */
function voiceGraph(): Map<string, Map<string, number>> {
  const voice = new Map<string, Map<string, number>>();
  const add = (listener: string, speaker: string, w: number) => {
    const row = voice.get(speaker) ?? new Map<string, number>();
    row.set(listener, (row.get(listener) ?? 0) + w);
    voice.set(speaker, row);
  };
  for (const t of TIES) {
    add(t.from, t.to, t.weight);
    if (t.kind === 'KNOWS') add(t.to, t.from, t.weight);
  }
  for (const i of INTERACTIONS) add(i.from, i.to, INTERACTION_WEIGHT * i.count); // all at T: no decay
  return voice;
}
const VOICE = voiceGraph();
const strengthOf = (w: number) => 1 - Math.exp(-w);
const listeners = (x: string) => [...(VOICE.get(x)?.entries() ?? [])];
const pathStrength = (nodes: string[]) => nodes.slice(1).reduce((acc, y, j) => acc * strengthOf(VOICE.get(nodes[j])!.get(y)!), 1);

/** Hop distance of every node from `source` along the voice (plain BFS), at most maxHops. */
function bfs(source: string, maxHops = Infinity, reverse = false): Map<string, number> {
  const dist = new Map([[source, 0]]);
  const queue = [source];
  for (let h = 0; h < queue.length; h++) {
    const x = queue[h];
    if (dist.get(x)! >= maxHops) continue;
    const next = reverse ? [...VOICE.entries()].filter(([, row]) => row.has(x)).map(([speaker]) => speaker) : listeners(x).map(([y]) => y);
    for (const y of next) {
      if (dist.has(y)) continue;
      dist.set(y, dist.get(x)! + 1);
      queue.push(y);
    }
  }
  return dist;
}

/** Largest path strength from source to target (Dijkstra on −ln strength), with its hop count. */
function dijkstra(source: string, target: string): { strength: number; hops: number } {
  const cost = new Map([[source, 0]]);
  const hops = new Map([[source, 0]]);
  const done = new Set<string>();
  for (;;) {
    let x: string | undefined;
    for (const [v, c] of cost) if (!done.has(v) && (x === undefined || c < cost.get(x)!)) x = v;
    if (x === undefined) return { strength: 0, hops: -1 };
    if (x === target) return { strength: Math.exp(-cost.get(x)!), hops: hops.get(x)! };
    done.add(x);
    for (const [y, w] of listeners(x)) {
      const c = cost.get(x)! - Math.log(strengthOf(w));
      if (c < (cost.get(y) ?? Infinity)) {
        cost.set(y, c);
        hops.set(y, hops.get(x)! + 1);
      }
    }
  }
}

/** Every simple path from source to target with at most maxHops hops (brute force). */
function allPaths(source: string, target: string, maxHops: number): { nodes: string[]; hops: number; strength: number }[] {
  const out: { nodes: string[]; hops: number; strength: number }[] = [];
  const walk = (nodes: string[]) => {
    const x = nodes[nodes.length - 1];
    if (x === target) {
      out.push({ nodes: [...nodes], hops: nodes.length - 1, strength: pathStrength(nodes) });
      return;
    }
    if (nodes.length - 1 === maxHops) return;
    for (const [y] of listeners(x)) if (!nodes.includes(y)) walk([...nodes, y]);
  };
  walk([source]);
  return out;
}

// ---------------------------------------------------------------------------------------------

async function load(ctx: TestContext) {
  await post(ctx, 'brands', [
    { id: 'br1', name: 'Primary' },
    { id: 'br2', name: 'Other' },
  ]);
  await post(ctx, 'products', [{ id: 'p1', name: 'Thing' }]);
  await post(ctx, 'customers', [
    ...CUSTOMERS.map((id) => ({ id, name: `Name ${id}` })),
    ...OPTED_OUT.map((c) => ({ ...c, optedOut: true })),
  ]);
  await post(ctx, 'ties', TIES);
  await post(ctx, 'interactions', INTERACTIONS);
  await post(ctx, 'ratings', NPS.map(([customerId, brandId, score]) => ({ customerId, brandId, score, at: RATED })));
  await post(ctx, 'engagements', PURCHASES.map(([customerId, at]) => ({ customerId, targetKind: 'product', targetId: 'p1', kind: 'purchase', at })));
}

/** The real repository, counting its round trips. */
class CountingHops implements HopDetailsSource {
  calls = 0;
  constructor(private readonly inner: HopDetailsSource) {}
  hopDetails(pairs: HopPair[]) {
    this.calls++;
    return this.inner.hopDetails(pairs);
  }
}

/** An app with the same error and auth plugins as app.ts and the path routes under /v1. */
async function pathsApp(ctx: TestContext, paths: PathsService): Promise<FastifyInstance> {
  const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorsPlugin);
  await app.register(authPlugin, { keys: new ApiKeyRegistry(ctx.config.API_KEYS ?? []) });
  await app.register(async (v1) => v1.register(pathsRoutes, { paths }), { prefix: '/v1' });
  await app.ready();
  return app;
}

type Person = { id: string | null; optedOut?: boolean };
type Step = { from: Person; to: Person; tie: { kinds: string[]; weight: number | null; interactions: number; sentiment: number | null; attentionWeight: number; strength: number } };
type ExplainedPath = { hops: number; strength: number; steps: Step[] };
const nodesOf = (p: ExplainedPath) => (p.steps.length ? [p.steps[0].from.id, ...p.steps.map((s) => s.to.id)] : []);

describe('paths, warm introductions and detractor exposure on a hand-built graph', () => {
  let ctx: TestContext;
  let hops: CountingHops;
  let service: PathsService;
  let http: FastifyInstance;
  const get = (url: string) => http.inject({ method: 'GET', url, headers: auth('read') });

  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await load(ctx);
    hops = new CountingHops(new Neo4jHopDetailsRepository(ctx.db));
    service = new PathsService(ctx.app.services.snapshots, hops);
    http = await pathsApp(ctx, service);
  });
  afterAll(async () => {
    await http?.close();
    await ctx?.close();
  });

  it('answers 409 before any analytics run has completed', async () => {
    const res = await get('/v1/paths?from=s&to=t');
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('NO_COMPLETED_RUN');
    const run = await ctx.app.services.runs.start({});
    const done = await ctx.app.services.runs.wait(run.id);
    expect(done.status, done.message).toBe('completed');
  });

  it('finds the shortest path (strongest of the shortest) and explains each hop from the database', async () => {
    const before = hops.calls;
    const res = await get('/v1/paths?from=s&to=t&k=1');
    expect(res.statusCode, res.body).toBe(200);
    expect(hops.calls - before).toBe(1);
    const body = res.json();
    expect(body).toMatchObject({ brand: 'br1', mode: 'shortest', maxHops: 4, from: { id: 's', stance: 'advocate' }, to: { id: 't', stance: 'unknown' } });
    const [p] = body.paths as ExplainedPath[];
    expect(p.hops).toBe(bfs('s').get('t'));
    const shortest = allPaths('s', 't', p.hops).filter((q) => q.hops === p.hops);
    expect(p.strength).toBeCloseTo(Math.max(...shortest.map((q) => q.strength)), 9);
    expect(nodesOf(p)).toEqual(['s', 'm3', 't']);
    expect(p.steps[0].tie).toMatchObject({ kinds: ['KNOWS'], weight: 2, interactions: 0, sentiment: null, attentionWeight: 2 });
    expect(p.steps[1].tie).toMatchObject({ kinds: ['KNOWS', 'INTERACTED'], weight: 1, interactions: 3, attentionWeight: 2.5 });
    expect(p.steps[1].tie.sentiment).toBeCloseTo(0.1, 9);
    expect(p.steps[1].tie.strength).toBeCloseTo(strengthOf(2.5), 12);
    expect(p.strength).toBeCloseTo(p.steps.reduce((a, s) => a * s.tie.strength, 1), 12);
    expect(p.steps[0].from).toEqual({ id: 's', name: 'Name s', stance: 'advocate' });
  });

  it('finds the strongest path, through an opted-out customer who is never named', async () => {
    const res = await get('/v1/paths?from=s&to=t&k=1&mode=strongest');
    expect(res.statusCode, res.body).toBe(200);
    const [p] = res.json().paths as ExplainedPath[];
    const best = dijkstra('s', 't');
    expect(best.hops).toBeLessThanOrEqual(4);
    expect(p.strength).toBeCloseTo(best.strength, 9);
    expect(p.hops).toBe(3);
    expect(p.steps[0].to).toEqual({ id: null, optedOut: true });
    expect(p.steps[1].from).toEqual({ id: null, optedOut: true });
    expect(p.steps[1].to).toMatchObject({ id: 'm2', stance: 'advocate' });
    expect(p.steps[0].tie).toMatchObject({ kinds: ['FOLLOWS'], weight: 5, interactions: 0 });
    expect(res.body).not.toContain('optout1');
    expect(res.body).not.toContain('Olga');
  });

  it('lists the k best paths in both modes, as a brute-force enumeration does', async () => {
    for (const mode of ['shortest', 'strongest'] as const) {
      for (const maxHops of [2, 3, 4]) {
        const body = (await get(`/v1/paths?from=s&to=t&k=3&mode=${mode}&maxHops=${maxHops}`)).json();
        const want = allPaths('s', 't', maxHops).sort((a, b) =>
          mode === 'shortest' ? a.hops - b.hops || b.strength - a.strength : b.strength - a.strength || a.hops - b.hops,
        );
        const got = body.paths as ExplainedPath[];
        expect(got.length, `${mode} ${maxHops}`).toBe(Math.min(3, want.length));
        got.forEach((p, j) => {
          expect(p.hops).toBe(want[j].hops);
          expect(p.strength).toBeCloseTo(want[j].strength, 9);
        });
      }
    }
    // The three 2-hop paths, strongest first; the one through m5 is explained by an interaction alone.
    const shortest = (await get('/v1/paths?from=s&to=t&k=3')).json().paths as ExplainedPath[];
    expect(shortest.map(nodesOf)).toEqual([
      ['s', 'm3', 't'],
      ['s', 'm5', 't'],
      ['s', 'm1', 't'],
    ]);
    expect(shortest[1].steps[0].tie).toMatchObject({ kinds: ['INTERACTED'], weight: null, interactions: 4, sentiment: -0.5, attentionWeight: 2 });
    expect(shortest[1].steps[1].tie).toMatchObject({ kinds: ['FOLLOWS'], weight: 0.3, interactions: 0, sentiment: null });
  });

  it('follows the voice, not the arcs; allows a 0-hop path; refuses unknown, opted-out and out-of-range input', async () => {
    const forward = (await get('/v1/paths?from=d1&to=t')).json();
    expect(forward.paths.map(nodesOf)).toEqual([['d1', 't']]);
    expect(forward.paths[0].steps[0].from.stance).toBe('detractor');
    expect((await get('/v1/paths?from=t&to=d1')).json().paths).toEqual([]);
    expect((await get('/v1/paths?from=d3&to=t&maxHops=3')).json().paths).toEqual([]);
    expect((await get('/v1/paths?from=d3&to=t')).json().paths[0].hops).toBe(4);
    const self = (await get('/v1/paths?from=s&to=s')).json();
    expect(self.paths).toEqual([{ hops: 0, strength: 1, steps: [] }]);
    expect((await get('/v1/paths?from=s&to=t&brand=br2')).json().from.stance).toBe('unknown');

    const unknown = await get('/v1/paths?from=nobody&to=t');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('NOT_FOUND');
    const optedOut = await get('/v1/paths?from=optout1&to=t');
    expect(optedOut.statusCode).toBe(409);
    expect(optedOut.json().code).toBe('CUSTOMER_OPTED_OUT');
    expect((await get('/v1/paths?from=s&to=t&maxHops=7')).statusCode).toBe(400);
    expect((await get('/v1/paths?from=s&to=t&k=0')).statusCode).toBe(400);
    expect((await get('/v1/paths?from=s&to=t&brand=nope')).statusCode).toBe(404);
    expect((await http.inject({ method: 'GET', url: '/v1/paths?from=s&to=t' })).statusCode).toBe(401);
  });

  it('finds the advocates whose voice reaches a prospect, nearest first, with the strongest of their shortest paths', async () => {
    const before = hops.calls;
    const res = await get('/v1/customers/t/advocate-paths');
    expect(res.statusCode, res.body).toBe(200);
    expect(hops.calls - before).toBe(1);
    const body = res.json();
    // Listable advocates within 3 hops of t (by a plain BFS against the voice): m2 (1 hop) and s (2).
    const near = bfs('t', 3, true);
    const advocates = NPS.filter(([id, brand, score]) => brand === 'br1' && score >= 9 && near.has(id) && id !== 'optout1').map(([id]) => id);
    expect(body.total).toBe(advocates.length);
    expect(body.items.map((e: { advocate: { id: string } }) => e.advocate.id)).toEqual(['m2', 's']);
    expect(body.items.map((e: { hops: number }) => e.hops)).toEqual([near.get('m2'), near.get('s')]);
    // s reaches t first through m1 by id order, but through m3 far more strongly.
    expect(nodesOf(body.items[1].path)).toEqual(['s', 'm3', 't']);
    expect(body.items[1].path.strength).toBeCloseTo(pathStrength(['s', 'm3', 't']), 9);
    expect(body.items[1].advocate).toMatchObject({ id: 's', name: 'Name s' });
    expect(body.items[1].advocate.stanceScore).toBeGreaterThan(0.3);
    expect(body.customer).toEqual({ id: 't', name: 'Name t', stance: 'unknown' });
    expect(res.body).not.toContain('optout1');

    const other = (await get('/v1/customers/t/advocate-paths?brand=br2')).json();
    expect(other.brand).toBe('br2');
    expect(other.items.map((e: { advocate: { id: string } }) => e.advocate.id)).toEqual(['d1']);
    const one = (await get('/v1/customers/t/advocate-paths?limit=1')).json();
    expect(one.items).toHaveLength(1);
    expect(one.total).toBe(2);
    expect((await get('/v1/customers/nobody/advocate-paths')).statusCode).toBe(404);
    expect((await get('/v1/customers/t/advocate-paths?brand=nope')).statusCode).toBe(404);
  });

  it('counts the detractors whose voice reaches a customer and their share, never the opted-out one', async () => {
    const res = await get('/v1/customers/t/detractor-exposure');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const near = bfs('t', 3, true);
    const listable = [...near.keys()].filter((id) => id !== 't' && !OPTED_OUT.some((o) => o.id === id));
    expect(body.reachedBy).toBe(listable.length);
    expect(body.detractors).toEqual({ total: 2, share: Math.round((2 / listable.length) * 1e6) / 1e6 });
    expect(body.items.map((e: { detractor: { id: string } }) => e.detractor.id)).toEqual(['d1', 'd2']);
    expect(nodesOf(body.items[1].path)).toEqual(['d2', 'm1', 't']);
    expect(body.items[1].path.steps[0].tie.kinds).toEqual(['KNOWS']);
    expect(res.body).not.toContain('Otto');
    const far = (await service.detractorExposure('t', { maxHops: 4, limit: 10 })).detractors.total;
    expect(far).toBe(3);
  });

  it('ranks detractors by the valuable customers their voice reaches', async () => {
    const res = await get('/v1/detractors/risk');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();

    // The expected table, from the snapshot's influence and a plain BFS over the rows.
    const s = await ctx.app.services.snapshots.current();
    const hidden = new Set(OPTED_OUT.map((o) => o.id));
    const everyone = [...CUSTOMERS];
    const influence = (id: string) => s.value('influence', s.index.get(id)!) ?? 0;
    const ranked = everyone.slice().sort((a, b) => influence(b) - influence(a) || (a < b ? -1 : 1));
    const high = new Set(ranked.slice(0, Math.ceil(everyone.length / 10)));
    const recent = new Set(['u3']);
    const advocates = new Set(NPS.filter(([id, brand, score]) => brand === 'br1' && score >= 9 && !hidden.has(id)).map(([id]) => id));
    const detractors = NPS.filter(([id, brand, score]) => brand === 'br1' && score <= 6 && !hidden.has(id)).map(([id]) => id);
    const expected = detractors
      .map((d) => {
        const reach = [...bfs(d, 2).entries()].filter(([id]) => id !== d && !hidden.has(id));
        const valuable = reach.filter(([id]) => high.has(id) || recent.has(id) || advocates.has(id));
        return {
          id: d,
          reaches: {
            valuable: valuable.length,
            highInfluence: valuable.filter(([id]) => high.has(id)).length,
            recentBuyers: valuable.filter(([id]) => recent.has(id)).length,
            advocates: valuable.filter(([id]) => advocates.has(id)).length,
            everyone: reach.length,
          },
          riskScore: valuable.reduce((acc, [id, h]) => acc + influence(id) / 100 / h, 0),
        };
      })
      .sort((a, b) => b.riskScore - a.riskScore || b.reaches.valuable - a.reaches.valuable || (a.id < b.id ? -1 : 1));

    expect(body.detractors).toBe(expected.length);
    expect(body.items[0].detractor.id).toBe('R1');
    expect(body.items.map((e: { detractor: { id: string } }) => e.detractor.id)).toEqual(expected.map((e) => e.id));
    body.items.forEach((e: { reaches: object; riskScore: number }, j: number) => {
      expect(e.reaches).toEqual(expected[j].reaches);
      expect(e.riskScore).toBeCloseTo(expected[j].riskScore, 5);
    });
    // R1 reaches u1, u2 (advocates), u3 (recent buyer) at 1 hop and v1 (advocate) at 2.
    const r1 = body.items[0];
    expect(r1.reaches.advocates).toBe(3);
    expect(r1.reaches.recentBuyers).toBe(1);
    const exposed = r1.exposed as { id: string; hops: number; influence: number; reasons: string[] }[];
    expect(exposed.map((e) => e.id).filter((id) => ['u1', 'u2', 'u3', 'v1'].includes(id)).sort()).toEqual(['u1', 'u2', 'u3', 'v1']);
    for (let j = 1; j < exposed.length; j++) {
      const [a, b] = [exposed[j - 1], exposed[j]];
      expect(a.hops < b.hops || (a.hops === b.hops && a.influence >= b.influence)).toBe(true);
    }
    expect(exposed.find((e) => e.id === 'u3')!.reasons).toContain('recentBuyer');
    expect(exposed.find((e) => e.id === 'v1')).toMatchObject({ hops: 2 });
    expect(exposed.find((e) => e.id === 'v1')!.reasons).toContain('advocate');
    // R2 reaches w1 (an old purchase only) and w2: nothing valuable unless by influence.
    const r2 = body.items.find((e: { detractor: { id: string } }) => e.detractor.id === 'R2');
    expect(r2.reaches.recentBuyers).toBe(0);
    expect(r2.reaches.everyone).toBe(2);

    // Served again from the cache with other list sizes; the limits apply.
    const small = (await get('/v1/detractors/risk?limit=1&exposed=2')).json();
    expect(small.items).toHaveLength(1);
    expect(small.items[0].exposed).toHaveLength(2);
    expect(small.items[0].riskScore).toBe(r1.riskScore);
    const oneHop = (await get('/v1/detractors/risk?hops=1')).json();
    expect(oneHop.items.find((e: { detractor: { id: string } }) => e.detractor.id === 'R1').reaches.advocates).toBe(2);
    expect((await get('/v1/detractors/risk?hops=4')).statusCode).toBe(400);
    expect((await get('/v1/detractors/risk?brand=nope')).statusCode).toBe(404);
  });
});
