/** The social-proof query: a customer's connections and their engagements with one target. */
import type { EngagedConnection, SocialProofData, SocialProofRepository, SocialProofTargetKind } from '../domain/social-proof.service.js';
import { ENGAGEMENT_TARGETS, LABELS } from '../domain/model.js';
import type { GraphDatabase } from './database.js';
import { plain } from './mappers.js';

const POSITIVE_KINDS = ['like', 'purchase', 'share', 'check-in'];

const EXISTS = Object.fromEntries(
  Object.entries(LABELS).map(([kind, label]) => [kind, `MATCH (n:${label} {id: $id}) RETURN count(n) > 0 AS found`]),
) as Record<keyof typeof LABELS, string>;

/** Engagements with the target itself or, for a brand, with what it offers and runs. */
const targetPattern = (kind: SocialProofTargetKind) =>
  kind === 'brand'
    ? `MATCH (t:Brand {id: $targetId}) WITH c, t, conns
       OPTIONAL MATCH (t)-[:OFFERS|RUNS]->(x) WITH c, conns, t, collect(x) AS offered
       WITH c, conns, [t] + offered AS targets`
    : `MATCH (t:${LABELS[kind]} {id: $targetId}) WITH c, conns, [t] AS targets`;

const QUERY = (kind: SocialProofTargetKind) => `
MATCH (c:Customer {id: $customerId})
OPTIONAL CALL (c) {
  MATCH (c)-[r:FOLLOWS|KNOWS]-(f:Customer)
  WHERE type(r) = 'KNOWS' OR startNode(r) = c
  WITH f, r ORDER BY coalesce(r.weight, 1.0) DESC
  WITH f, head(collect(r)) AS r
  RETURN collect({f: f, kind: type(r), weight: coalesce(r.weight, 1.0)}) AS conns
}
${targetPattern(kind)}
UNWIND (CASE WHEN size(conns) = 0 THEN [null] ELSE conns END) AS conn
OPTIONAL CALL (conn, targets) {
  WITH conn.f AS f, targets WHERE conn IS NOT NULL
  MATCH (f)-[e:ENGAGED]->(x) WHERE x IN targets
  WITH e, (e.sentiment > 0.2 OR (abs(e.sentiment) <= 0.2 AND e.kind IN $positiveKinds)) AS positive
  ORDER BY positive DESC, e.at DESC
  RETURN head(collect({kind: e.kind, at: e.at, sentiment: e.sentiment, positive: positive})) AS engagement
}
WITH conns, conn, engagement
WITH size(conns) AS connections,
     collect(CASE WHEN engagement IS NULL THEN null ELSE {conn: conn, engagement: engagement} END) AS engaged
RETURN connections, size(engaged) AS engagedCount,
       size([x IN engaged WHERE x.engagement.positive]) AS positiveCount,
       [x IN engaged WHERE NOT coalesce(x.conn.f.optedOut, false) |
         {id: x.conn.f.id, name: x.conn.f.name, kind: x.conn.kind, weight: x.conn.weight, engagement: x.engagement}] AS closest`;

const TARGET_KIND_OF_LABEL = new Map<string, string>(ENGAGEMENT_TARGETS.map((kind) => [LABELS[kind], kind]));
const TARGET_LABELS = [...TARGET_KIND_OF_LABEL.keys()];

/** Ties between customers, each once as stored. */
const TIES = `MATCH (a:Customer)-[r:FOLLOWS|KNOWS]->(b:Customer)
RETURN a.id AS a, b.id AS b, type(r) = 'KNOWS' AS knows, coalesce(r.weight, 1.0) AS w`;

/** Engagements of customers with anything social proof can be asked about. */
const ENGAGEMENTS = `MATCH (c:Customer)-[e:ENGAGED]->(x)
WITH c, e, x, [l IN labels(x) WHERE l IN $labels][0] AS label
WHERE label IS NOT NULL
RETURN c.id AS c, label, x.id AS x, e.kind AS kind, e.sentiment AS s, e.at.epochMillis AS at`;

const OFFERS = `MATCH (b:Brand)-[:OFFERS|RUNS]->(x)
WITH b, x, [l IN labels(x) WHERE l IN $labels][0] AS label
WHERE label IS NOT NULL
RETURN b.id AS b, label, x.id AS x`;

const num = (v: unknown): number => (v === null || v === undefined ? NaN : Number(plain(v)));

export class Neo4jSocialProofRepository implements SocialProofRepository {
  constructor(private readonly db: GraphDatabase) {}

  streamTies(onTie: (from: string, to: string, knows: boolean, weight: number) => void): Promise<void> {
    return this.db.stream(TIES, {}, (r) => onTie(r.a as string, r.b as string, r.knows === true, num(r.w)));
  }

  streamEngagements(onEngagement: (customer: string, target: string, kind: string, sentiment: number, at: number) => void): Promise<void> {
    return this.db.stream(ENGAGEMENTS, { labels: TARGET_LABELS }, (r) =>
      onEngagement(r.c as string, `${TARGET_KIND_OF_LABEL.get(r.label as string)}:${r.x as string}`, r.kind as string, num(r.s), num(r.at)),
    );
  }

  streamOffers(onOffer: (brand: string, target: string) => void): Promise<void> {
    return this.db.stream(OFFERS, { labels: TARGET_LABELS }, (r) => onOffer(r.b as string, `${TARGET_KIND_OF_LABEL.get(r.label as string)}:${r.x as string}`));
  }

  async exists(kind: keyof typeof LABELS, id: string): Promise<boolean> {
    const result = await this.db.read((tx) => tx.run(EXISTS[kind], { id }));
    return result.records[0]?.get('found') === true;
  }

  /** Undefined when the customer or the target is not stored (the query then returns no row). */
  async socialProof(customerId: string, target: { kind: SocialProofTargetKind; id: string }, closest: number): Promise<SocialProofData | undefined> {
    const result = await this.db.read((tx) =>
      tx.run(QUERY(target.kind), { customerId, targetId: target.id, positiveKinds: POSITIVE_KINDS }),
    );
    const r = result.records[0];
    if (!r) return undefined;
    type Row = { id: string; name: string | null; kind: 'FOLLOWS' | 'KNOWS'; weight: number; engagement: EngagedConnection['engagement'] };
    const rows = (plain(r.get('closest')) as Row[])
      .sort((a, b) => Number(b.engagement.positive) - Number(a.engagement.positive) || b.weight - a.weight || a.id.localeCompare(b.id))
      .slice(0, closest)
      .map((row) => ({ id: row.id, name: row.name, tie: { kind: row.kind, weight: row.weight }, engagement: row.engagement }));
    return {
      connections: plain(r.get('connections')) as number,
      engaged: plain(r.get('engagedCount')) as number,
      positive: plain(r.get('positiveCount')) as number,
      closest: rows,
    };
  }
}
