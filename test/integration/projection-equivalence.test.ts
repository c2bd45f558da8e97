/**
 * The projection read from Neo4j (src/graph/projection.repository.ts) against a reference built
 * here from one plain row per relationship and the combination rule of domain/projection.ts, on a
 * small graph loaded through the API: weighted and parallel ties (FOLLOWS and KNOWS between the
 * same pair, several interactions between the same pair), decayed interactions with sentiment,
 * engagements with brands, products and content, NPS answers, posts with topics and mentions, an
 * opted-out customer, an erased customer and a customer created after the erasure (who may take
 * the erased node's internal id), a self-tie refused at the door, and a tie without a stored weight.
 * The embedded database answers it through the launcher's projection procedures, checked against
 * the reference and against the Cypher-only reading (an asOf before some events included).
 * The service reads it in a worker thread (WorkerProjectionSource): the same projection, and an
 * abort stops it. The customers' details the read model shows are read in a worker thread too
 * (WorkerSnapshotRepository): the same as read on the caller's thread.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Projection } from '../../src/domain/projection.js';
import { DEFAULT_PROJECTION, unpackProjectionEvidence } from '../../src/domain/projection.js';
import type { StanceEvidence } from '../../src/domain/stance.js';
import { ProjectionAborted, WorkerProjectionSource } from '../../src/graph/projection-worker.runner.js';
import { Neo4jProjectionRepository } from '../../src/graph/projection.repository.js';
import { WorkerSnapshotRepository } from '../../src/graph/details-worker.runner.js';
import { Neo4jSnapshotRepository } from '../../src/graph/snapshot.repository.js';
import { analyse, auth, clearDatabase, createTestApp, post, type TestContext } from './helpers.js';

const AS_OF = '2026-06-01T00:00:00Z';
const day = (d: number) => new Date(Date.parse(AS_OF) - d * 86_400_000).toISOString();

async function load(ctx: TestContext): Promise<void> {
  await post(ctx, 'brands', [
    { id: 'acme', name: 'Acme' },
    { id: 'zeta', name: 'Zeta' },
  ]);
  await post(ctx, 'products', [{ id: 'rocket', name: 'Rocket', brandId: 'zeta' }]);
  await post(ctx, 'topics', [
    { id: 'travel', name: 'Travel' },
    { id: 'food', name: 'Food' },
  ]);
  const people = ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'gone'];
  await post(ctx, 'customers', people.map((id) => ({ id, optedOut: id === 'eve' })));
  await post(ctx, 'ties', [
    { from: 'bob', to: 'ann', kind: 'FOLLOWS', weight: 0.4 },
    { from: 'cat', to: 'ann', kind: 'FOLLOWS' },
    { from: 'dan', to: 'ann', kind: 'FOLLOWS', weight: 2 },
    { from: 'eve', to: 'bob', kind: 'FOLLOWS', weight: 0.7 },
    { from: 'gone', to: 'ann', kind: 'FOLLOWS' },
    { from: 'ann', to: 'gone', kind: 'FOLLOWS' },
    // Parallel: bob follows ann and knows her.
    { from: 'ann', to: 'bob', kind: 'KNOWS', weight: 0.5 },
    { from: 'cat', to: 'dan', kind: 'KNOWS', weight: 0.25 },
    { from: 'fay', to: 'gone', kind: 'KNOWS' },
  ]);
  // A customer cannot tie to or interact with themselves: refused, nothing stored.
  for (const [kind, row] of [
    ['ties', { from: 'ann', to: 'ann', kind: 'FOLLOWS' }],
    ['interactions', { from: 'ann', to: 'ann', kind: 'like', at: day(1) }],
  ] as const) {
    const res = await ctx.app.inject({ method: 'POST', url: `/v1/${kind}/bulk`, headers: auth('write'), payload: [row] });
    expect(res.statusCode, res.body).toBe(400);
  }
  await post(ctx, 'interactions', [
    { from: 'bob', to: 'ann', kind: 'share', at: day(10), count: 3, sentiment: 0.8 },
    { from: 'bob', to: 'ann', kind: 'reply', at: day(400), count: 2, sentiment: -0.5 },
    { from: 'bob', to: 'ann', kind: 'like', at: day(30) },
    { from: 'fay', to: 'cat', kind: 'mention', at: day(200), count: 5, sentiment: -1 },
    { from: 'ann', to: 'dan', kind: 'quote', at: day(1), sentiment: 0.3 },
    { from: 'gone', to: 'dan', kind: 'like', at: day(2) },
    { from: 'dan', to: 'gone', kind: 'like', at: day(3) },
  ]);
  await post(ctx, 'content', [
    { id: 'post1', authorId: 'ann', kind: 'post', createdAt: day(5), sentiment: 0.9, topicIds: ['travel', 'food'], brandId: 'acme' },
    { id: 'post2', authorId: 'ann', kind: 'post', createdAt: day(6), sentiment: -0.4, topicIds: ['travel'], productId: 'rocket' },
    { id: 'post3', authorId: 'cat', kind: 'post', createdAt: day(7), topicIds: ['food'] },
    { id: 'post4', authorId: 'gone', kind: 'post', createdAt: day(8), sentiment: 0.5, brandId: 'acme' },
  ]);
  await post(ctx, 'engagements', [
    { customerId: 'bob', targetKind: 'content', targetId: 'post1', kind: 'like', at: day(4), sentiment: 0.6 },
    { customerId: 'cat', targetKind: 'content', targetId: 'post1', kind: 'share', at: day(4) },
    { customerId: 'dan', targetKind: 'content', targetId: 'post2', kind: 'comment', at: day(3), sentiment: -0.2 },
    { customerId: 'bob', targetKind: 'brand', targetId: 'acme', kind: 'purchase', at: day(20), sentiment: 0.5 },
    { customerId: 'bob', targetKind: 'brand', targetId: 'acme', kind: 'purchase', at: day(9) },
    { customerId: 'bob', targetKind: 'product', targetId: 'rocket', kind: 'review', at: day(12), sentiment: -0.7 },
    { customerId: 'eve', targetKind: 'brand', targetId: 'zeta', kind: 'complaint', at: day(2), sentiment: -0.9 },
    { customerId: 'gone', targetKind: 'brand', targetId: 'acme', kind: 'purchase', at: day(2) },
  ]);
  await post(ctx, 'ratings', [
    { customerId: 'ann', brandId: 'acme', score: 9, at: day(15) },
    { customerId: 'ann', brandId: 'acme', score: 10, at: day(5) },
    { customerId: 'dan', brandId: 'zeta', score: 3, at: day(8) },
    { customerId: 'gone', brandId: 'zeta', score: 0, at: day(8) },
  ]);
  const erased = await ctx.app.inject({ method: 'DELETE', url: '/v1/customers/gone', headers: auth('admin') });
  expect(erased.statusCode, erased.body).toBe(200);
  // Created after the erasure: Neo4j may give it the erased node's internal id.
  await post(ctx, 'customers', [{ id: 'hal' }]);
  await post(ctx, 'ties', [{ from: 'hal', to: 'ann', kind: 'FOLLOWS', weight: 0.3 }]);
  await post(ctx, 'interactions', [{ from: 'ann', to: 'hal', kind: 'like', at: day(1), count: 2 }]);
  // A tie written by another tool without a weight counts as weight 1.
  await ctx.db.autoCommit(`MATCH (a:Customer {id: $a}), (b:Customer {id: $b}) CREATE (a)-[:FOLLOWS]->(b)`, { a: 'fay', b: 'dan' });
}

type Rows = Record<string, unknown>[];
async function rows(ctx: TestContext, cypher: string, params: Record<string, unknown> = {}): Promise<Rows> {
  const result = await ctx.db.autoCommit(cypher, params);
  return result.records.map((r) => r.toObject() as Record<string, unknown>);
}

interface Expected {
  ids: string[];
  perNode: Record<string, Map<string, number>>;
  topics: Map<string, string[]>;
  arcs: Map<string, number[]>;
  evidence: Map<string, StanceEvidence>;
  counts: Projection['counts'];
}

/** The projection by its definition, from one plain row per relationship (string ids, no grouping in Cypher). */
async function reference(ctx: TestContext, asOf: string, halfLifeDays: number, interactionWeight: number): Promise<Expected> {
  const ids = (await rows(ctx, 'MATCH (c:Customer) RETURN c.id AS id')).map((r) => r.id as string).sort();
  const perNode: Expected['perNode'] = {};
  const add = (field: string, id: string, x: number) => {
    const m = (perNode[field] ??= new Map());
    m.set(id, (m.get(id) ?? 0) + x);
  };
  for (const r of await rows(ctx, 'MATCH (c:Customer) RETURN c.id AS id, c.optedOut AS o')) add('optedOut', r.id as string, r.o === true ? 1 : 0);
  const arcs: Expected['arcs'] = new Map();
  const arc = (u: string, v: string, tie: number, w: number, pos = 0, neg = 0) => {
    const key = `${u} ${v} ${tie}`;
    const s = arcs.get(key) ?? [0, 0, 0, 0];
    arcs.set(key, [s[0] + w, s[1] + pos, s[2] + neg, s[3] + 1]);
  };
  const counts = { follows: 0, knows: 0, interactions: 0 };
  for (const t of await rows(ctx, 'MATCH (a:Customer)-[t:FOLLOWS|KNOWS]->(b:Customer) RETURN type(t) AS kind, a.id AS a, b.id AS b, t.weight AS w')) {
    const w = typeof t.w === 'number' && t.w > 0 ? t.w : 1;
    const [a, b] = [t.a as string, t.b as string];
    arc(a, b, 1, w);
    if (t.kind === 'KNOWS') {
      arc(b, a, 1, w);
      counts.knows++;
    } else {
      add('followers', b, 1);
      add('following', a, 1);
      counts.follows++;
    }
  }
  const asOfMs = Date.parse(asOf);
  const pairs = new Map<string, { volume: number; raw: number; pos: number; neg: number }>();
  for (const i of await rows(
    ctx,
    'MATCH (a:Customer)-[i:INTERACTED]->(b:Customer) RETURN a.id AS a, b.id AS b, i.count AS count, i.sentiment AS s, i.at.epochMillis AS at',
  )) {
    const count = Number(i.count ?? 1);
    const seconds = Math.floor((asOfMs - Number(i.at)) / 1000);
    const decayed = count * 2 ** (-seconds / (halfLifeDays * 86_400));
    const s = Number(i.s ?? 0);
    const key = `${i.a} ${i.b}`;
    const p = pairs.get(key) ?? { volume: 0, raw: 0, pos: 0, neg: 0 };
    p.volume += decayed;
    p.raw += count;
    p.pos += s > 0 ? decayed * s : 0;
    p.neg += s < 0 ? -decayed * s : 0;
    pairs.set(key, p);
    counts.interactions++;
  }
  for (const [key, p] of pairs) {
    const [a, b] = key.split(' ');
    add('amplificationReceived', b, p.volume);
    add('amplificationGiven', a, p.volume);
    add('interactionsReceived', b, p.raw);
    add('interactionsGiven', a, p.raw);
    if (p.volume > 0) arc(a, b, 0, interactionWeight * p.volume, p.pos, p.neg);
  }
  const evidence: Expected['evidence'] = new Map();
  const evidenceOf = (id: string, brand: string) => {
    const key = `${id} ${brand}`;
    if (!evidence.has(key)) evidence.set(key, { ratings: [], engagements: [], content: [] });
    return evidence.get(key)!;
  };
  for (const e of await rows(
    ctx,
    `MATCH (c:Customer)-[e:ENGAGED]->(t)
     RETURN c.id AS id, CASE WHEN t:Brand THEN t.id ELSE t.brandId END AS brand, e.kind AS kind, e.sentiment AS s, e.at.epochMillis AS at`,
  )) {
    const at = Number(e.at);
    add('engagementsGiven', e.id as string, 1);
    if (e.kind === 'purchase') {
      const m = (perNode.lastPurchaseAt ??= new Map());
      m.set(e.id as string, Math.max(m.get(e.id as string) ?? -Infinity, at));
    }
    if (e.brand !== null) evidenceOf(e.id as string, e.brand as string).engagements.push({ sentiment: Number(e.s ?? 0), kind: e.kind as string, at });
  }
  for (const r of await rows(ctx, 'MATCH (c:Customer)-[x:RATED]->(b:Brand) RETURN c.id AS id, b.id AS brand, x.score AS score, x.at.epochMillis AS at')) {
    evidenceOf(r.id as string, r.brand as string).ratings.push({ score: Number(r.score), at: Number(r.at) });
  }
  const topics: Expected['topics'] = new Map();
  for (const p of await rows(
    ctx,
    `MATCH (c:Customer)-[:POSTED]->(p:Content)
     OPTIONAL MATCH (p)-[:MENTIONS]->(pr:Product)
     RETURN c.id AS id, p.sentiment AS s, p.createdAt.epochMillis AS at, coalesce(p.brandId, pr.brandId) AS brand,
            [(p)-[:ABOUT]->(t:Topic) | t.id] AS topics, COUNT { (p)<-[:ENGAGED]-(:Customer) } AS received`,
  )) {
    const id = p.id as string;
    add('posts', id, 1);
    add('engagementsReceived', id, Number(p.received));
    topics.set(id, [...new Set([...(topics.get(id) ?? []), ...(p.topics as string[])])].sort());
    if (p.s !== null && p.brand !== null) evidenceOf(id, p.brand as string).content.push({ sentiment: Number(p.s), at: Number(p.at) });
  }
  return { ids, perNode, topics, arcs, evidence, counts };
}

function expectSame(p: Projection, e: Expected): void {
  expect([...p.ids].sort()).toEqual(e.ids);
  const fields = [
    'optedOut', 'followers', 'following', 'interactionsReceived', 'interactionsGiven', 'amplificationReceived', 'amplificationGiven',
    'posts', 'engagementsReceived', 'engagementsGiven',
  ] as const;
  p.ids.forEach((id, i) => {
    for (const f of fields) expect(p[f][i], `${f} of ${id}`).toBeCloseTo(e.perNode[f]?.get(id) ?? 0, 12);
    const last = e.perNode.lastPurchaseAt?.get(id);
    if (last === undefined) expect(p.lastPurchaseAt[i], `lastPurchaseAt of ${id}`).toBeNaN();
    else expect(p.lastPurchaseAt[i], `lastPurchaseAt of ${id}`).toBe(last);
    expect(p.topics[i], `topics of ${id}`).toEqual(e.topics.get(id) ?? []);
    for (let b = 0; b < p.brands.length; b++) {
      const sorted = (x: StanceEvidence | undefined) =>
        x && { ratings: [...x.ratings].sort((m, n) => m.at - n.at), engagements: [...x.engagements].sort((m, n) => m.at - n.at), content: [...x.content].sort((m, n) => m.at - n.at) };
      expect(sorted(p.evidence[b].get(i)), `evidence of ${id} for ${p.brands[b]}`).toEqual(sorted(e.evidence.get(`${id} ${p.brands[b]}`)));
    }
  });
  const arcs = new Map<string, number[]>();
  for (let a = 0; a < p.src.length; a++) {
    const key = `${p.ids[p.src[a]]} ${p.ids[p.dst[a]]} ${p.isTie[a]}`;
    const s = arcs.get(key) ?? [0, 0, 0, 0];
    arcs.set(key, [s[0] + p.weight[a], s[1] + p.positiveVolume[a], s[2] + p.negativeVolume[a], s[3] + 1]);
  }
  expect([...arcs.keys()].sort()).toEqual([...e.arcs.keys()].sort());
  for (const [key, s] of e.arcs) s.forEach((x, q) => expect(arcs.get(key)![q], `arc ${key} [${q}]`).toBeCloseTo(x, 12));
  expect(p.counts).toEqual(e.counts);
}

describe('projection from Neo4j', () => {
  let ctx: TestContext;
  let repo: Neo4jProjectionRepository;
  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await load(ctx);
    repo = new Neo4jProjectionRepository(ctx.db);
  });
  afterAll(async () => ctx.close());

  it('gives the arrays the reference gives, compared by customer id', async () => {
    const p = await repo.project({ ...DEFAULT_PROJECTION, asOf: AS_OF });
    expect(p.asOf).toBe(AS_OF);
    expect(p.brands).toEqual(['acme', 'zeta']);
    expect(p.ids).toEqual([...p.ids].sort());
    expect(p.ids).not.toContain('gone');
    expect(p.ids).toContain('hal');
    expectSame(p, await reference(ctx, AS_OF, DEFAULT_PROJECTION.halfLifeDays, DEFAULT_PROJECTION.interactionWeight));
    // Spot checks of the rule itself: bob → ann carries the FOLLOWS weight, the KNOWS weight and the decayed interactions.
    const i = (id: string) => p.ids.indexOf(id);
    expect(p.optedOut[i('eve')]).toBe(1);
    expect(p.followers[i('ann')]).toBe(4);
    expect(p.followers[i('dan')]).toBe(1);
    expect(p.following[i('hal')]).toBe(1);
    expect(p.interactionsGiven[i('bob')]).toBe(6);
    expect(p.interactionsReceived[i('hal')]).toBe(2);
    expect(p.posts[i('ann')]).toBe(2);
    expect(p.engagementsReceived[i('ann')]).toBe(3);
    expect(p.topics[i('ann')]).toEqual(['food', 'travel']);
    expect(p.counts).toEqual({ follows: 6, knows: 2, interactions: 6 });
  });

  it('reads the same projection through the launcher’s procedures as with Cypher only', async () => {
    const cypher = new Neo4jProjectionRepository(ctx.db, 'cypher');
    const packed = new Neo4jProjectionRepository(ctx.db, 'procedures');
    // Events between whole seconds: ages round down, as Cypher's duration.inSeconds(…).seconds.
    await post(ctx, 'interactions', [
      { from: 'cat', to: 'ann', kind: 'like', at: '2026-05-31T23:59:57.700Z', count: 2 },
      { from: 'cat', to: 'ann', kind: 'share', at: '2026-05-31T23:59:59.100Z', sentiment: 0.5 },
    ]);
    // A given date (one before some events, one between whole seconds) and none (the newest event of both halves).
    const options_ = [
      { ...DEFAULT_PROJECTION, asOf: AS_OF },
      { interactionWeight: 2, halfLifeDays: 30, asOf: day(50) },
      { interactionWeight: 1, halfLifeDays: 0.001, asOf: '2026-05-31T23:59:58.400Z' },
      { interactionWeight: 1, halfLifeDays: 90 },
    ];
    for (const options of options_) {
      const viaProcedures = await packed.project(options);
      expect(viaProcedures.counts.interactions).toBeGreaterThan(0);
      expect(viaProcedures).toEqual(await cypher.project(options));
    }
  });

  it('warms the procedures up in a worker thread, and a run that starts stops the warm-up', async () => {
    expect(await new WorkerProjectionSource(ctx.db).warmUp()).toBe(true);
    expect(await new Neo4jProjectionRepository(ctx.db, 'cypher').warmUp()).toBe(false);
    const warming = ctx.app.services.runs.warmUp();
    await analyse(ctx);
    expect(await warming).toBeNull();
    // The warm-up also runs the publication's block statements, writing nothing.
    const written = `MATCH (b:RunResultsBlock) WITH count(b) AS blocks MATCH (c:Customer) RETURN blocks, collect([c.id, c.scoresRunId]) AS marks`;
    const before = await rows(ctx, written);
    expect(await ctx.app.services.runs.warmUp()).toBeGreaterThanOrEqual(0);
    expect(await rows(ctx, written)).toEqual(before);
  });

  it('joins the last run’s communities to the customers the same way through the procedures as with Cypher only', async () => {
    await analyse(ctx);
    const extras = { previousCommunities: true };
    const viaProcedures = await new Neo4jProjectionRepository(ctx.db, 'procedures').project(DEFAULT_PROJECTION, undefined, undefined, extras);
    const viaCypher = await new Neo4jProjectionRepository(ctx.db, 'cypher').project(DEFAULT_PROJECTION, undefined, undefined, extras);
    expect([...viaProcedures.previousCommunity].filter((c) => c >= 0).length).toBeGreaterThan(2);
    expect(viaProcedures).toEqual(viaCypher);
  });

  it('reads the same projection in a worker thread, with progress, and stops it on abort', async () => {
    const worker = new WorkerProjectionSource(ctx.db);
    const progress: string[] = [];
    const p = await worker.project({ ...DEFAULT_PROJECTION, asOf: AS_OF }, (what) => progress.push(what));
    // The evidence crosses the thread packed in typed arrays; unpacked, it is the same. The ids and
    // topics are restored, with their packed copy kept for the scoring worker.
    expect(p.evidence).toEqual([]);
    unpackProjectionEvidence(p);
    expect(p.packedText?.ids.ends).toHaveLength(p.ids.length);
    p.packedText = undefined;
    expect(p).toEqual(await repo.project({ ...DEFAULT_PROJECTION, asOf: AS_OF }));
    expect(p.src).toBeInstanceOf(Int32Array);
    expect(progress).toContain('customers');
    // A thread started ahead, connected and waiting, reads the same projection, once.
    worker.standBy();
    await vi.waitFor(() => expect(worker.standingBy).toBe(true), { timeout: 20_000 });
    const ahead = await worker.project({ ...DEFAULT_PROJECTION, asOf: AS_OF }, undefined, undefined, { previousCommunities: true });
    expect(worker.standingBy).toBe(false);
    unpackProjectionEvidence(ahead);
    ahead.packedText = undefined;
    expect(ahead).toEqual(await repo.project({ ...DEFAULT_PROJECTION, asOf: AS_OF }, undefined, undefined, { previousCommunities: true }));
    worker.standBy();
    await worker.close();
    expect(worker.standingBy).toBe(false);
    const controller = new AbortController();
    const running = worker.project({ ...DEFAULT_PROJECTION }, undefined, controller.signal);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(ProjectionAborted);
  });

  it('reads the customers’ details in a worker thread as on the caller’s, by procedure as by Cypher, erased and unknown ids included', async () => {
    await post(ctx, 'customers', [
      { id: 'ann', name: 'Ann Ölund 李 🚀', handle: '@ann', segment: 'vip', region: 'EU' },
      { id: 'bob', name: 'Bob', handle: '@bob' },
    ]);
    const ids = [...(await repo.project({ ...DEFAULT_PROJECTION, asOf: AS_OF })).ids, 'gone', 'nobody'];
    const inWorker = await new WorkerSnapshotRepository(ctx.db).details(ids);
    expect(inWorker).toEqual(await new Neo4jSnapshotRepository(ctx.db).details(ids));
    // The launcher's procedure (the embedded database has it: one row per customer) and the Cypher reading agree, ids in any order.
    const [listed] = await rows(ctx, 'CALL influencegraph.projection.details() YIELD rows RETURN toFloat(sum(rows)) AS n');
    const [customers] = await rows(ctx, 'MATCH (c:Customer) RETURN toFloat(count(c)) AS n');
    expect(listed.n).toBe(customers.n);
    const shuffled = [...ids].reverse();
    expect(await new Neo4jSnapshotRepository(ctx.db).details(shuffled)).toEqual(await new Neo4jSnapshotRepository(ctx.db, 'cypher').details(shuffled));
    const i = ids.indexOf('ann');
    expect([inWorker.name[i], inWorker.handle[i], inWorker.segment[i], inWorker.region[i]]).toEqual(['Ann Ölund 李 🚀', '@ann', 'vip', 'EU']);
    expect(inWorker.handle[ids.indexOf('bob')]).toBe('@bob');
    expect(inWorker.region[ids.indexOf('bob')]).toBeNull();
    expect(inWorker.missing).toEqual(['gone', 'nobody']);
    expect(inWorker.optedOut[ids.indexOf('eve')]).toBe(1);
  });

  it('measures ages from the newest event when no date is given, and honours other parameters', async () => {
    const latest = await rows(
      ctx,
      `CALL { MATCH ()-[r:INTERACTED]->() RETURN max(r.at) AS t UNION ALL MATCH ()-[r:ENGAGED]->() RETURN max(r.at) AS t
              UNION ALL MATCH ()-[r:RATED]->() RETURN max(r.at) AS t } RETURN toString(max(t)) AS latest`,
    );
    const options = { interactionWeight: 2, halfLifeDays: 30 };
    const p = await repo.project(options);
    expect(p.asOf).toBe(latest[0].latest);
    expectSame(p, await reference(ctx, p.asOf, options.halfLifeDays, options.interactionWeight));
  });
});
