import { beforeAll, describe, expect, it } from 'vitest';
import { load, type Loaded } from './fixture.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/;
const N = 10_000;
let d: Loaded;

beforeAll(() => {
  d = load({ customers: N, seed: 11, brands: 3 });
});

function keysOf(row: object): string {
  return Object.keys(row).join(',');
}

/**
 * Collects row problems and asserts once per test (an expect() per field of 100k rows is slow).
 */
class Problems {
  private readonly list: string[] = [];
  private count = 0;
  check(ok: boolean, what: string, row?: unknown): void {
    if (ok) return;
    this.count++;
    if (this.list.length < 10) this.list.push(`${what}: ${JSON.stringify(row)}`);
  }
  time(value: string, min: number, max: number, row: unknown): number {
    const t = Date.parse(value);
    this.check(ISO.test(value) && t >= min && t <= max, `time ${value} outside window`, row);
    return t;
  }
  sentiment(s: number, row: unknown): void {
    this.check(Number.isFinite(s) && s >= -1 && s <= 1, 'sentiment outside [-1, 1]', row);
  }
  oneOf(value: string, allowed: readonly string[], what: string, row: unknown): void {
    this.check(allowed.includes(value), `${what} ${value}`, row);
  }
  assertNone(): void {
    expect(this.list, `${this.count} problems`).toEqual([]);
  }
}

function expectUnique(ids: string[]): void {
  expect(new Set(ids).size).toBe(ids.length);
}

describe('generated rows are valid (10k customers)', () => {
  const now = Date.parse('2025-06-30T00:00:00.000Z');
  const start = now - 730 * 86_400_000;
  const second = (ms: number): number => Math.floor(ms / 1000) * 1000;

  it('customers: fields, ids, segments, regions, opt-outs, attributes', () => {
    const { customers } = d.rows;
    const p = new Problems();
    expect(customers).toHaveLength(N);
    expectUnique(customers.map((c) => c.id));
    expectUnique(customers.map((c) => c.handle));
    const regions = new Set<string>();
    let optedOut = 0;
    let withAttributes = 0;
    for (const c of customers) {
      p.check(/^id,name,handle,segment,region,optedOut,createdAt(,attributes)?$/.test(keysOf(c)), 'fields', c);
      p.check(/^c\d{6}$/.test(c.id), 'id', c);
      p.check(/^\S+ \S+$/.test(c.name) && c.handle.length > 0, 'name or handle', c);
      p.oneOf(c.segment, ['consumer', 'prosumer', 'business', 'vip'], 'segment', c);
      p.check(typeof c.optedOut === 'boolean', 'optedOut', c);
      p.time(c.createdAt, start, now, c);
      regions.add(c.region);
      if (c.optedOut) optedOut++;
      if (c.attributes) {
        withAttributes++;
        for (const v of Object.values(c.attributes)) p.oneOf(typeof v, ['string', 'number', 'boolean'], 'attribute', c);
      }
    }
    p.assertNone();
    expect(regions.size).toBe(8);
    expect(optedOut / N).toBeGreaterThan(0.01);
    expect(optedOut / N).toBeLessThan(0.03);
    expect(withAttributes / N).toBeGreaterThan(0.5);
  });

  it('brands, products, topics and campaigns', () => {
    const { brands, products, topics, campaigns } = d.rows;
    expect(brands.map((b) => b.id)).toEqual(['b1', 'b2', 'b3']);
    const brandIds = new Set(brands.map((b) => b.id));
    expectUnique(products.map((x) => x.id));
    expectUnique(campaigns.map((c) => c.id));
    expect(topics).toHaveLength(20);
    expectUnique(topics.map((t) => t.id));
    for (const b of brands) expect(keysOf(b)).toBe('id,name');
    for (const t of topics) expect(keysOf(t)).toBe('id,name');
    for (const x of products) {
      expect(keysOf(x)).toBe('id,name,brandId,category');
      expect(brandIds.has(x.brandId)).toBe(true);
    }
    for (const c of campaigns) {
      expect(keysOf(c)).toBe('id,name,brandId,startsAt,endsAt');
      expect(brandIds.has(c.brandId)).toBe(true);
      expect(Date.parse(c.endsAt)).toBeGreaterThan(Date.parse(c.startsAt));
      expect(Date.parse(c.startsAt)).toBeGreaterThanOrEqual(start);
      expect(Date.parse(c.startsAt)).toBeLessThan(now);
    }
    for (const b of brands) {
      expect(products.filter((x) => x.brandId === b.id).length).toBeGreaterThanOrEqual(6);
      expect(campaigns.filter((c) => c.brandId === b.id).length).toBeGreaterThanOrEqual(5);
    }
  });

  it('ties: references, no self ties, no duplicates, KNOWS once with from < to, times and weights', () => {
    const { ties, customers } = d.rows;
    const p = new Problems();
    const created = new Map(customers.map((c) => [c.id, Date.parse(c.createdAt)]));
    const seen = new Set<string>();
    for (const t of ties) {
      p.check(keysOf(t) === 'from,to,kind,since,weight', 'fields', t);
      const a = created.get(t.from);
      const b = created.get(t.to);
      p.check(a !== undefined && b !== undefined, 'unknown customer', t);
      p.check(t.from !== t.to, 'self tie', t);
      p.oneOf(t.kind, ['FOLLOWS', 'KNOWS'], 'kind', t);
      if (t.kind === 'KNOWS') p.check(t.from < t.to, 'KNOWS not from < to', t);
      const key = `${t.from}|${t.to}|${t.kind}`;
      p.check(!seen.has(key), 'duplicate tie', t);
      seen.add(key);
      const since = p.time(t.since, start, now, t);
      p.check(since >= second(Math.max(a ?? 0, b ?? 0)), 'tie before an account existed', t);
      p.check(t.weight > 0 && t.weight <= 1, 'weight outside (0, 1]', t);
    }
    // a pair that knows each other carries no FOLLOWS tie as well
    for (const t of ties) {
      if (t.kind !== 'FOLLOWS') continue;
      const [a, b] = t.from < t.to ? [t.from, t.to] : [t.to, t.from];
      p.check(!seen.has(`${a}|${b}|KNOWS`), 'FOLLOWS beside KNOWS', t);
    }
    p.assertNone();
    expect(ties.length / N).toBeGreaterThan(8.5);
    expect(ties.length / N).toBeLessThan(11.5);
  });

  it('interactions: references, kinds, counts, sentiment, times', () => {
    const { interactions, customers } = d.rows;
    const p = new Problems();
    const created = new Map(customers.map((c) => [c.id, Date.parse(c.createdAt)]));
    expect(interactions.length).toBeGreaterThan(N);
    expectUnique(interactions.map((x) => x.id));
    const seen = new Set<string>();
    for (const x of interactions) {
      p.check(keysOf(x) === 'id,from,to,kind,at,count,sentiment', 'fields', x);
      const a = created.get(x.from);
      const b = created.get(x.to);
      p.check(a !== undefined && b !== undefined, 'unknown customer', x);
      p.check(x.from !== x.to, 'self interaction', x);
      p.oneOf(x.kind, ['mention', 'reply', 'share', 'like', 'comment'], 'kind', x);
      p.check(Number.isInteger(x.count) && x.count >= 1, 'count', x);
      p.sentiment(x.sentiment, x);
      const at = p.time(x.at, start, now, x);
      p.check(at >= second(Math.max(a ?? 0, b ?? 0)), 'interaction before an account existed', x);
      const key = `${x.from}|${x.to}|${x.kind}`;
      p.check(!seen.has(key), 'duplicate (from, to, kind)', x);
      seen.add(key);
    }
    p.assertNone();
  });

  it('content: authors, kinds, topics, brand and product references', () => {
    const { content, topics, brands, products, customers } = d.rows;
    const p = new Problems();
    const topicIds = new Set(topics.map((t) => t.id));
    const brandIds = new Set(brands.map((b) => b.id));
    const productBrand = new Map(products.map((x) => [x.id, x.brandId]));
    const created = new Map(customers.map((c) => [c.id, Date.parse(c.createdAt)]));
    expect(content.length).toBeGreaterThan(N / 5);
    expectUnique(content.map((c) => c.id));
    for (const c of content) {
      p.check(/^id,authorId,kind,createdAt,sentiment,topicIds(,brandId)?(,productId)?$/.test(keysOf(c)), 'fields', c);
      const authorCreated = created.get(c.authorId);
      p.check(authorCreated !== undefined, 'unknown author', c);
      p.oneOf(c.kind, ['post', 'review', 'video', 'comment'], 'kind', c);
      p.check(p.time(c.createdAt, start, now, c) >= second(authorCreated ?? 0), 'content before its author', c);
      p.sentiment(c.sentiment, c);
      p.check(c.topicIds.length >= 1 && c.topicIds.length <= 3, 'topic count', c);
      p.check(new Set(c.topicIds).size === c.topicIds.length, 'repeated topic', c);
      p.check(c.topicIds.every((t) => topicIds.has(t)), 'unknown topic', c);
      if (c.brandId !== undefined) p.check(brandIds.has(c.brandId), 'unknown brand', c);
      if (c.productId !== undefined) p.check(productBrand.get(c.productId) === c.brandId, 'product of another brand', c);
      if (c.kind === 'review') p.check(c.brandId !== undefined, 'review without a brand', c);
    }
    p.assertNone();
  });

  it('engagements: targets exist and match their kind, channels, times', () => {
    const { engagements, brands, products, content, campaigns, customers } = d.rows;
    const p = new Problems();
    const created = new Map(customers.map((c) => [c.id, Date.parse(c.createdAt)]));
    const brandIds = new Set(brands.map((b) => b.id));
    const productIds = new Set(products.map((x) => x.id));
    const contentAt = new Map(content.map((c) => [c.id, Date.parse(c.createdAt)]));
    const windows = new Map(campaigns.map((c) => [c.id, [Date.parse(c.startsAt), Date.parse(c.endsAt)] as const]));
    expect(engagements.length).toBeGreaterThan(N);
    expectUnique(engagements.map((e) => e.id));
    const kinds = new Set<string>();
    const targetKinds = new Set<string>();
    for (const e of engagements) {
      p.check(keysOf(e) === 'id,customerId,targetKind,targetId,kind,at,sentiment,channel', 'fields', e);
      const customerCreated = created.get(e.customerId);
      p.check(customerCreated !== undefined, 'unknown customer', e);
      p.oneOf(e.kind, ['like', 'review', 'share', 'check-in', 'complaint', 'purchase', 'click'], 'kind', e);
      p.oneOf(e.channel, ['web', 'mobile-app', 'store', 'email', 'social', 'call-center'], 'channel', e);
      p.sentiment(e.sentiment, e);
      const at = p.time(e.at, start, now, e);
      p.check(at >= second(customerCreated ?? 0), 'engagement before the account existed', e);
      kinds.add(e.kind);
      targetKinds.add(e.targetKind);
      if (e.targetKind === 'brand') p.check(brandIds.has(e.targetId), 'unknown brand', e);
      else if (e.targetKind === 'product') p.check(productIds.has(e.targetId), 'unknown product', e);
      else if (e.targetKind === 'content') {
        const t = contentAt.get(e.targetId);
        p.check(t !== undefined && at >= t, 'unknown content or engaged before it existed', e);
      } else if (e.targetKind === 'campaign') {
        const w = windows.get(e.targetId);
        p.check(w !== undefined && at >= w[0] && at <= w[1], 'unknown campaign or outside its window', e);
      } else p.check(false, 'target kind', e);
      if (e.kind === 'purchase') p.check(e.targetKind === 'product', 'purchase of a non-product', e);
      if (e.kind === 'check-in') p.check(e.targetKind === 'brand', 'check-in at a non-brand', e);
      if (e.kind === 'complaint') p.check(e.sentiment < 0, 'complaint with a non-negative sentiment', e);
    }
    p.assertNone();
    expect(kinds.size).toBe(7);
    expect(targetKinds.size).toBe(4);
  });

  it('ratings: 0..10 integers for existing customers and brands, about 30 % answered for b1', () => {
    const { ratings } = d.rows;
    const p = new Problems();
    expectUnique(ratings.map((r) => r.id));
    const brandIds = new Set(d.rows.brands.map((b) => b.id));
    for (const r of ratings) {
      p.check(keysOf(r) === 'id,customerId,brandId,score,at', 'fields', r);
      p.check(d.index.has(r.customerId), 'unknown customer', r);
      p.check(brandIds.has(r.brandId), 'unknown brand', r);
      p.check(Number.isInteger(r.score) && r.score >= 0 && r.score <= 10, 'score', r);
      p.time(r.at, start, now, r);
    }
    p.assertNone();
    const b1 = ratings.filter((r) => r.brandId === 'b1');
    expectUnique(b1.map((r) => r.customerId));
    expect(b1.length / N).toBeGreaterThan(0.27);
    expect(b1.length / N).toBeLessThan(0.33);
  });

  it('ground truth covers every customer and names existing super users', () => {
    const { truth } = d;
    expect(truth.seed).toBe(11);
    expect(truth.customers).toBe(N);
    expect(Object.keys(truth.communities)).toHaveLength(N);
    expect(Object.keys(truth.stances)).toHaveLength(N);
    for (const id of truth.superUsers) expect(d.index.has(id)).toBe(true);
    expect(truth.superUsers.length / N).toBeGreaterThanOrEqual(0.005);
    expect(truth.superUsers.length / N).toBeLessThanOrEqual(0.01);
    const communities = new Set(Object.values(truth.communities));
    expect(communities.size).toBe(truth.params.communitySizes.length);
    expect(truth.params.communitySizes.reduce((s, x) => s + x, 0)).toBe(N);
    const optedOutSuper = d.rows.customers.filter((c) => c.optedOut && d.isSuper[d.index.get(c.id)!]);
    expect(optedOutSuper).toEqual([]);
  });
});
