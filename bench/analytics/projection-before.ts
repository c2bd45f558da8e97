/**
 * The projection as it was read before 2026-11-30 (string ids, one grouped query per kind and per
 * kind of evidence), kept for the projection bench only so that its old-against-new comparison
 * stays reproducible on any store. The service reads with src/graph/projection.repository.ts.
 */
import type { Projection, ProjectionOptions, ProjectionSource } from '../../src/domain/projection.js';
import type { StanceEvidence } from '../../src/domain/stance.js';
import type { GraphDatabase } from '../../src/graph/database.js';
import { plain } from '../../src/graph/mappers.js';

const CUSTOMERS = `
MATCH (c:Customer)
RETURN c.id AS id, coalesce(c.optedOut, false) AS optedOut
ORDER BY id`;

const FOLLOWS = `
MATCH (a:Customer)-[t:FOLLOWS]->(b:Customer)
WITH a, collect(b.id) AS targets, collect(coalesce(t.weight, 1.0)) AS weights
RETURN a.id AS source, targets, weights`;

const KNOWS = `
MATCH (a:Customer)-[t:KNOWS]->(b:Customer)
WITH a, collect(b.id) AS targets, collect(coalesce(t.weight, 1.0)) AS weights
RETURN a.id AS source, targets, weights`;

const INTERACTIONS = `
WITH datetime($asOf) AS asOf
MATCH (a:Customer)-[i:INTERACTED]->(b:Customer)
WITH a, b, i, coalesce(i.count, 1) * 2.0 ^ (-1.0 * duration.inSeconds(i.at, asOf).seconds / $halfLifeSeconds) AS decayed
WITH a, b, sum(decayed) AS volume, sum(coalesce(i.count, 1)) AS raw, count(i) AS n,
     sum(CASE WHEN i.sentiment > 0 THEN decayed * i.sentiment ELSE 0.0 END) AS pos,
     sum(CASE WHEN i.sentiment < 0 THEN -decayed * i.sentiment ELSE 0.0 END) AS neg
WITH a, collect(b.id) AS targets, collect(volume) AS weights, collect(raw) AS raws, collect(pos) AS pos, collect(neg) AS neg, sum(n) AS n
RETURN a.id AS source, targets, weights, raws, pos, neg, n`;

const LATEST_EVENT = `
CALL { MATCH ()-[r:INTERACTED]->() RETURN max(r.at) AS t
       UNION ALL MATCH ()-[r:ENGAGED]->() RETURN max(r.at) AS t
       UNION ALL MATCH ()-[r:RATED]->() RETURN max(r.at) AS t }
RETURN toString(max(t)) AS latest`;

const BRANDS = `MATCH (b:Brand) RETURN b.id AS id ORDER BY id`;

const RATING_EVIDENCE = `
MATCH (c:Customer)-[x:RATED]->(b:Brand)
RETURN c.id AS id, b.id AS brand, collect([toFloat(x.score), toFloat(x.at.epochMillis)]) AS items`;

const ENGAGEMENT_EVIDENCE = `
MATCH (c:Customer)-[e:ENGAGED]->(t)
WITH c, e, CASE WHEN t:Brand THEN t.id ELSE t.brandId END AS brand
WHERE brand IS NOT NULL
RETURN c.id AS id, brand, collect([toFloat(coalesce(e.sentiment, 0.0)), e.kind, toFloat(e.at.epochMillis)]) AS items`;

const CONTENT_EVIDENCE = `
MATCH (c:Customer)-[:POSTED]->(p:Content)
WHERE p.sentiment IS NOT NULL
WITH c, p, coalesce(p.brandId, [(p)-[:MENTIONS]->(pr:Product) | pr.brandId][0]) AS brand
WHERE brand IS NOT NULL
RETURN c.id AS id, brand, collect([toFloat(p.sentiment), toFloat(p.createdAt.epochMillis)]) AS items`;

const POSTS = `
MATCH (c:Customer)-[:POSTED]->(p:Content)
OPTIONAL MATCH (p)-[:ABOUT]->(t:Topic)
WITH c, count(DISTINCT p) AS posts, collect(DISTINCT t.id) AS topics
OPTIONAL MATCH (c)-[:POSTED]->(:Content)<-[e:ENGAGED]-(:Customer)
RETURN c.id AS id, posts, topics, count(e) AS received`;

const ENGAGEMENTS_GIVEN = `
MATCH (c:Customer)-[e:ENGAGED]->()
RETURN c.id AS id, count(e) AS given, max(CASE WHEN e.kind = 'purchase' THEN e.at.epochMillis END) AS lastPurchase`;

/** Growable parallel arrays of arcs. */
class ArcBuffer {
  src = new Int32Array(1 << 16);
  dst = new Int32Array(1 << 16);
  w = new Float64Array(1 << 16);
  tie = new Uint8Array(1 << 16);
  pos = new Float64Array(1 << 16);
  neg = new Float64Array(1 << 16);
  length = 0;

  push(u: number, v: number, weight: number, tie: boolean, pos = 0, neg = 0): void {
    if (this.length === this.src.length) {
      const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.src = grow(this.src);
      this.dst = grow(this.dst);
      this.w = grow(this.w);
      this.tie = grow(this.tie);
      this.pos = grow(this.pos);
      this.neg = grow(this.neg);
    }
    this.src[this.length] = u;
    this.dst[this.length] = v;
    this.w[this.length] = weight;
    this.tie[this.length] = tie ? 1 : 0;
    this.pos[this.length] = pos;
    this.neg[this.length] = neg;
    this.length++;
  }
}

export class ProjectionBefore implements ProjectionSource {
  constructor(private readonly db: GraphDatabase) {}

  async project(options: ProjectionOptions, onProgress: (what: string, rows: number) => void = () => undefined): Promise<Projection> {
    const ids: string[] = [];
    const optedOutList: boolean[] = [];
    await this.stream(CUSTOMERS, {}, (r) => {
      ids.push(r.id as string);
      optedOutList.push(r.optedOut === true);
    });
    onProgress('customers', ids.length);
    const n = ids.length;
    const index = new Map<string, number>();
    ids.forEach((id, i) => index.set(id, i));

    const arcs = new ArcBuffer();
    const amplificationReceived = new Float64Array(n);
    const amplificationGiven = new Float64Array(n);
    const followers = new Int32Array(n);
    const following = new Int32Array(n);
    const interactionsReceived = new Int32Array(n);
    const interactionsGiven = new Int32Array(n);
    const posts = new Int32Array(n);
    const engagementsReceived = new Int32Array(n);
    const engagementsGiven = new Int32Array(n);
    const topics: string[][] = Array.from({ length: n }, () => []);
    const counts = { follows: 0, knows: 0, interactions: 0 };
    let asOf = options.asOf;
    if (!asOf) {
      const latest = await this.db.read((tx) => tx.run(LATEST_EVENT));
      asOf = (latest.records[0]?.get('latest') as string | null) ?? new Date().toISOString();
    }
    const brandIds: string[] = [];
    await this.stream(BRANDS, {}, (r) => brandIds.push(r.id as string));
    const brandIndex = new Map(brandIds.map((b, i) => [b, i]));
    const evidence: Map<number, StanceEvidence>[] = brandIds.map(() => new Map());
    const evidenceOf = (r: Record<string, unknown>): StanceEvidence | undefined => {
      const i = index.get(r.id as string);
      const b = brandIndex.get(r.brand as string);
      if (i === undefined || b === undefined) return undefined;
      let e = evidence[b].get(i);
      if (!e) evidence[b].set(i, (e = { ratings: [], engagements: [], content: [] }));
      return e;
    };
    const lastPurchaseAt = new Float64Array(n).fill(NaN);

    const add = (kind: 'follows' | 'knows' | 'interactions') => (r: Record<string, unknown>) => {
      const u = index.get(r.source as string);
      if (u === undefined) return;
      const targets = r.targets as string[];
      const weights = r.weights as number[];
      const raws = r.raws as unknown[] | undefined;
      for (let j = 0; j < targets.length; j++) {
        const v = index.get(targets[j]);
        if (v === undefined) continue;
        const w = Number(weights[j]);
        if (kind === 'interactions') {
          const volume = Number.isFinite(w) && w > 0 ? w : 0;
          const raw = plain(raws![j]) as number;
          amplificationReceived[v] += volume;
          amplificationGiven[u] += volume;
          interactionsReceived[v] += raw;
          interactionsGiven[u] += raw;
          const pos = Number((r.pos as number[])[j]) || 0;
          const neg = Number((r.neg as number[])[j]) || 0;
          if (volume > 0) arcs.push(u, v, options.interactionWeight * volume, false, pos, neg);
        } else {
          arcs.push(u, v, w > 0 ? w : 1, true);
          if (kind === 'knows') arcs.push(v, u, w > 0 ? w : 1, true);
          else {
            followers[v]++;
            following[u]++;
          }
          counts[kind]++;
        }
      }
      if (kind === 'interactions') counts.interactions += plain(r.n) as number;
    };

    let streamed = 0;
    const tick = () => onProgress('relationships', ++streamed);
    await Promise.all([
      this.stream(FOLLOWS, {}, (r) => (add('follows')(r), tick())),
      this.stream(KNOWS, {}, (r) => (add('knows')(r), tick())),
      this.stream(INTERACTIONS, { asOf, halfLifeSeconds: options.halfLifeDays * 86_400 }, (r) => (add('interactions')(r), tick())),
      this.stream(POSTS, {}, (r) => {
        const i = index.get(r.id as string);
        if (i === undefined) return;
        posts[i] = plain(r.posts) as number;
        engagementsReceived[i] = plain(r.received) as number;
        topics[i] = (r.topics as string[]).slice().sort();
      }),
      this.stream(ENGAGEMENTS_GIVEN, {}, (r) => {
        const i = index.get(r.id as string);
        if (i === undefined) return;
        engagementsGiven[i] = plain(r.given) as number;
        if (r.lastPurchase !== null && r.lastPurchase !== undefined) lastPurchaseAt[i] = plain(r.lastPurchase) as number;
      }),
      this.stream(RATING_EVIDENCE, {}, (r) => {
        const e = evidenceOf(r);
        if (e) for (const [score, at] of r.items as [number, number][]) e.ratings.push({ score, at });
      }),
      this.stream(ENGAGEMENT_EVIDENCE, {}, (r) => {
        const e = evidenceOf(r);
        if (e) for (const [sentiment, kind, at] of r.items as [number, string, number][]) e.engagements.push({ sentiment, kind, at });
      }),
      this.stream(CONTENT_EVIDENCE, {}, (r) => {
        const e = evidenceOf(r);
        if (e) for (const [sentiment, at] of r.items as [number, number][]) e.content.push({ sentiment, at });
      }),
    ]);

    const optedOut = new Uint8Array(n);
    optedOutList.forEach((o, i) => (optedOut[i] = o ? 1 : 0));
    return {
      ids,
      optedOut,
      previousCommunity: new Int32Array(n).fill(-1),
      src: arcs.src.slice(0, arcs.length),
      dst: arcs.dst.slice(0, arcs.length),
      weight: arcs.w.slice(0, arcs.length),
      isTie: arcs.tie.slice(0, arcs.length),
      positiveVolume: arcs.pos.slice(0, arcs.length),
      negativeVolume: arcs.neg.slice(0, arcs.length),
      brands: brandIds,
      evidence,
      lastPurchaseAt,
      asOf,
      followers,
      following,
      interactionsReceived,
      interactionsGiven,
      posts,
      engagementsReceived,
      engagementsGiven,
      topics,
      amplificationReceived,
      amplificationGiven,
      counts,
    };
  }

  private stream(cypher: string, params: Record<string, unknown>, onRecord: (record: Record<string, unknown>) => void): Promise<void> {
    return this.db.stream(cypher, params, onRecord);
  }
}
