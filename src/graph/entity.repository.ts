/**
 * Reads of stored entities (one with its ties and counts, lists with cursor pagination), the
 * export of everything held about a customer, and erasure. Labels and filters come from closed
 * allow-lists; every value is a parameter.
 */
import type { EntityListQuery, EntityReadRepository, EntityView, TieView } from '../domain/entity.service.js';
import { LABELS, type EntityRef } from '../domain/model.js';
import { SCORE_FIELDS } from '../domain/scoring.js';
import { int, type GraphDatabase } from './database.js';
import { entityProperties, plain } from './mappers.js';

const TIE_LIMIT = 100;

const READ_ONE = (label: string) => `
MATCH (n:${label} {id: $id})
OPTIONAL CALL (n) {
  MATCH (n)-[r]->(m) RETURN type(r) AS type, 'out' AS direction, count(*) AS c
  UNION ALL
  MATCH (n)<-[r]-(m) RETURN type(r) AS type, 'in' AS direction, count(*) AS c
}
WITH n, collect({type: type, direction: direction, count: c}) AS counts
OPTIONAL CALL (n) {
  MATCH (n)-[r]-(m)
  WHERE NOT m:AnalyticsRun
  RETURN r, m ORDER BY coalesce(r.weight, 0) DESC, m.id LIMIT $tieLimit
}
RETURN n, counts, collect({type: type(r), out: startNode(r) = n, otherLabel: labels(m)[0], otherId: m.id, props: properties(r)}) AS ties`;

const LIST_FILTERS: Partial<Record<EntityRef, Record<string, string>>> = {
  customer: { segment: 'n.segment = $segment', region: 'n.region = $region', optedOut: 'coalesce(n.optedOut, false) = $optedOut' },
  product: { brandId: 'n.brandId = $brandId' },
  campaign: { brandId: 'n.brandId = $brandId' },
  content: { authorId: 'n.authorId = $authorId', kind: 'n.kind = $kind' },
};

export const allowedFilters = (entity: EntityRef): string[] => Object.keys(LIST_FILTERS[entity] ?? {});

const ERASE_CUSTOMER = `
MATCH (c:Customer {id: $id})
OPTIONAL MATCH (c)-[:POSTED]->(p:Content)
WITH c, collect(DISTINCT p) AS posts
FOREACH (x IN posts | DETACH DELETE x)
DETACH DELETE c
RETURN size(posts) AS content`;

/** Removes the customer's entry from every run's kept results (arrays aligned with customerIds). */
const ERASE_FROM_RUN_RESULTS = `
MATCH (res:RunResults) WHERE $id IN res.customerIds
WITH res, [i IN range(0, size(res.customerIds) - 1) WHERE res.customerIds[i] <> $id] AS keep
SET res.customerIds = [i IN keep | res.customerIds[i]],
${[...SCORE_FIELDS, 'participationTier', 'topics'].map((f) => `    res.${f} = CASE WHEN res.${f} IS NULL THEN null ELSE [i IN keep | res.${f}[i]] END`).join(',\n')},
    res.stanceClasses = CASE WHEN res.stanceClasses IS NULL THEN null
      ELSE reduce(acc = [], i IN keep | acc + res.stanceClasses[i * size(res.stanceBrandIds) .. (i + 1) * size(res.stanceBrandIds)]) END,
    res.stanceScores = CASE WHEN res.stanceScores IS NULL THEN null
      ELSE reduce(acc = [], i IN keep | acc + res.stanceScores[i * size(res.stanceBrandIds) .. (i + 1) * size(res.stanceBrandIds)]) END,
    res.stanceLatestNps = CASE WHEN res.stanceLatestNps IS NULL THEN null
      ELSE reduce(acc = [], i IN keep | acc + res.stanceLatestNps[i * size(res.stanceBrandIds) .. (i + 1) * size(res.stanceBrandIds)]) END
RETURN count(res) AS runs`;

const EXPORT_CUSTOMER = `
MATCH (c:Customer {id: $id})
CALL (c) { MATCH (c)-[t:FOLLOWS|KNOWS]-(o:Customer)
  RETURN collect({kind: type(t), from: startNode(t).id, to: endNode(t).id, since: t.since, weight: t.weight}) AS ties }
CALL (c) { MATCH (c)-[i:INTERACTED]-(o:Customer)
  RETURN collect({id: i.id, from: startNode(i).id, to: endNode(i).id, kind: i.kind, at: i.at, count: i.count, sentiment: i.sentiment}) AS interactions }
CALL (c) { MATCH (c)-[e:ENGAGED]->(t)
  RETURN collect({id: e.id, targetKind: e.targetKind, targetId: t.id, kind: e.kind, at: e.at, sentiment: e.sentiment, channel: e.channel}) AS engagements }
CALL (c) { MATCH (c)-[x:RATED]->(b:Brand)
  RETURN collect({id: x.id, brandId: b.id, score: x.score, at: x.at}) AS ratings }
CALL (c) { MATCH (c)-[:POSTED]->(p:Content) RETURN collect(properties(p)) AS content }
CALL (c) {
  OPTIONAL MATCH (res:RunResults) WHERE c.id IN res.customerIds
  WITH res, [i IN range(0, size(res.customerIds) - 1) WHERE res.customerIds[i] = c.id][0] AS at
  ORDER BY res.createdAt
  RETURN collect(CASE WHEN res IS NULL THEN null ELSE {runId: res.runId, createdAt: res.createdAt,
${SCORE_FIELDS.map((f) => `    ${f}: res.${f}[at]`).join(',\n')},
    participationTier: res.participationTier[at],
    topics: CASE WHEN res.topics IS NULL THEN [] ELSE [t IN split(res.topics[at], '|') WHERE t <> ''] END,
    stances: CASE WHEN res.stanceBrandIds IS NULL THEN [] ELSE
      [b IN range(0, size(res.stanceBrandIds) - 1) | {brand: res.stanceBrandIds[b],
        stanceClass: res.stanceClasses[at * size(res.stanceBrandIds) + b], score: res.stanceScores[at * size(res.stanceBrandIds) + b]}] END
  } END) AS scoreHistory
}
RETURN properties(c) AS customer, ties, interactions, engagements, ratings, content, scoreHistory`;

export class Neo4jEntityRepository implements EntityReadRepository {
  constructor(private readonly db: GraphDatabase) {}

  async get(entity: EntityRef, id: string): Promise<EntityView | undefined> {
    const result = await this.db.read((tx) => tx.run(READ_ONE(LABELS[entity]), { id, tieLimit: int(TIE_LIMIT) }));
    const record = result.records[0];
    if (!record) return undefined;
    const counts: Record<string, { in: number; out: number }> = {};
    for (const c of record.get('counts') as { type: string | null; direction: 'in' | 'out'; count: unknown }[]) {
      if (c.type === null) continue;
      counts[c.type] ??= { in: 0, out: 0 };
      counts[c.type][c.direction] = plain(c.count) as number;
    }
    const ties: TieView[] = (record.get('ties') as { type: string | null; out: boolean; otherLabel: string; otherId: string; props: object }[])
      .filter((t) => t.type !== null)
      .map((t) => ({
        type: t.type!,
        direction: t.out ? 'out' : 'in',
        other: { label: t.otherLabel, id: t.otherId },
        properties: plain(t.props) as Record<string, unknown>,
      }));
    return { properties: entityProperties(record.get('n').properties), counts, ties };
  }

  async list(entity: EntityRef, query: EntityListQuery): Promise<Record<string, unknown>[]> {
    const allowed = LIST_FILTERS[entity] ?? {};
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: int(query.limit) };
    if (query.after !== undefined) {
      where.push('n.id > $after');
      params.after = query.after;
    }
    for (const [name, value] of Object.entries(query.filters)) {
      const clause = allowed[name];
      if (clause === undefined || value === undefined) continue;
      where.push(clause);
      params[name] = value;
    }
    const cypher = `MATCH (n:${LABELS[entity]}) ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      RETURN properties(n) AS p ORDER BY n.id LIMIT $limit`;
    const result = await this.db.read((tx) => tx.run(cypher, params));
    return result.records.map((r) => entityProperties(r.get('p')));
  }

  async count(entity: EntityRef): Promise<number> {
    const result = await this.db.read((tx) => tx.run(`MATCH (n:${LABELS[entity]}) RETURN count(n) AS n`));
    return plain(result.records[0].get('n')) as number;
  }

  async exportCustomer(id: string): Promise<Record<string, unknown> | undefined> {
    const result = await this.db.read((tx) => tx.run(EXPORT_CUSTOMER, { id }));
    const record = result.records[0];
    if (!record) return undefined;
    const doc = plain(record.toObject()) as Record<string, unknown>;
    doc.customer = entityProperties(record.get('customer'));
    return doc;
  }

  async eraseCustomer(id: string): Promise<{ erased: boolean; content: number; scores: number }> {
    return this.db.write(async (tx) => {
      const erased = await tx.run(ERASE_CUSTOMER, { id });
      const record = erased.records[0];
      if (!record) return { erased: false, content: 0, scores: 0 };
      const runs = await tx.run(ERASE_FROM_RUN_RESULTS, { id });
      return { erased: true, content: plain(record.get('content')) as number, scores: plain(runs.records[0].get('runs')) as number };
    });
  }
}
