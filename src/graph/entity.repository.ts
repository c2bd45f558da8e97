/**
 * Reads of stored entities (one with its ties and counts, lists with cursor pagination), the
 * export of everything held about a customer, and erasure. Labels and filters come from closed
 * allow-lists; every value is a parameter. Erasure is one transaction: the customer with their
 * ties and content, their entry in the one block of each kept run that holds them (found by an
 * index seek, src/graph/run-results.ts), the community summaries naming them and the privacy log's
 * record. It costs O(kept runs × block size), whatever the number of customers.
 */
import type { EntityListQuery, EntityReadRepository, EntityView, TieView } from '../domain/entity.service.js';
import { LABELS, type EntityRef } from '../domain/model.js';
import { SCORE_FIELDS, STANCE_CLASSES } from '../domain/scoring.js';
import { privacyKey } from '../domain/snapshot.service.js';
import { int, type GraphDatabase, type Tx } from './database.js';
import { entityProperties, plain } from './mappers.js';
import { appendPrivacyEvents } from './privacy-log.js';
import { eraseFromBlocks } from './run-results.js';

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

export { RUN_ARRAYS, RUN_STANCE_ARRAYS } from './run-results.js';

/** The kept runs whose community summaries may name the customer (a quoted JSON string match). */
const RUNS_NAMING = `
MATCH (res:RunResults) WHERE res.communities CONTAINS $quoted
RETURN elementId(res) AS ref, res.communities AS communities`;

const WRITE_RUN_COMMUNITIES = `
MATCH (res:RunResults) WHERE elementId(res) = $ref
SET res.communities = $communities`;

/**
 * Removes the customer from every kept run in the caller's transaction: their entry in the block
 * of each run that holds them, and their name among community top members. Returns the number of
 * runs whose blocks held them.
 */
export async function scrubRunResults(tx: Tx, id: string): Promise<number> {
  const runs = await eraseFromBlocks(tx, id);
  const named = await tx.run(RUNS_NAMING, { quoted: JSON.stringify(id) });
  for (const r of named.records) {
    const communities = scrubCommunities(r.get('communities') as string, id);
    if (communities !== undefined) await tx.run(WRITE_RUN_COMMUNITIES, { ref: r.get('ref') as string, communities });
  }
  return runs;
}

/** The community summaries JSON without the customer among any community's top members; undefined when unchanged. */
export function scrubCommunities(json: string, id: string): string | undefined {
  const communities = JSON.parse(json) as { topMembers?: string[] }[];
  let changed = false;
  for (const c of communities) {
    if (!Array.isArray(c.topMembers) || !c.topMembers.includes(id)) continue;
    c.topMembers = c.topMembers.filter((m) => m !== id);
    changed = true;
  }
  return changed ? JSON.stringify(communities) : undefined;
}

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
  MATCH (r:AnalyticsRun)-[:HAS_RESULTS]->(res:RunResults)
  CALL (c, res) {
    MATCH (b:RunResultsBlock)
    WHERE b.runId = res.runId AND b.firstId <= c.id
    WITH b WHERE b.lastId >= c.id AND c.id IN b.customerIds
    RETURN b
  }
  WITH r, res, b, b.customerIds AS ids
  WITH r, res, b, [i IN range(0, size(ids) - 1) WHERE ids[i] = c.id][0] AS at, coalesce(size(res.stanceBrandIds), 0) AS n
  ORDER BY res.createdAt
  RETURN collect({runId: res.runId, createdAt: res.createdAt, finishedAt: r.finishedAt,
${SCORE_FIELDS.map((f) => `    ${f}: b.${f}[at]`).join(',\n')},
    participationTier: b.participationTier[at],
    topics: CASE WHEN b.topics IS NULL THEN [] ELSE [t IN split(b.topics[at], '|') WHERE t <> ''] END,
    stances: [k IN range(0, n - 1) | {brand: res.stanceBrandIds[k], stanceClass: b.stanceClasses[at * n + k],
      score: b.stanceScores[at * n + k], latestNps: b.stanceLatestNps[at * n + k]}]
  }) AS scoreHistory
}
CALL (c) { MATCH (e:PrivacyEvent) WHERE e.customerId = c.id
  RETURN collect({kind: e.kind, at: e.at}) AS privacyEvents }
RETURN properties(c) AS customer, ties, interactions, engagements, ratings, content, scoreHistory, privacyEvents`;

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
    for (const run of doc.scoreHistory as { stances: { stanceClass: number | null; stance?: string; latestNps: number | null }[] }[]) {
      for (const st of run.stances) {
        st.stance = STANCE_CLASSES[st.stanceClass ?? 0] ?? 'unknown';
        if (st.latestNps !== null && st.latestNps < 0) st.latestNps = null;
      }
    }
    return doc;
  }

  /**
   * Erases the customer in one transaction: the customer with their ties and content (deleted
   * first: that waits for a publication holding their node, so its run is scrubbed too), their
   * entries in every kept run, and the privacy log's record. All or nothing.
   */
  async eraseCustomer(id: string): Promise<{ erased: boolean; content: number; scores: number }> {
    return this.db.write(async (tx) => {
      const erased = await tx.run(ERASE_CUSTOMER, { id });
      const record = erased.records[0];
      if (!record) return { erased: false, content: 0, scores: 0 };
      const scores = await scrubRunResults(tx, id);
      await appendPrivacyEvents(tx, [{ kind: 'erase', customerKey: privacyKey(id) }]);
      return { erased: true, content: plain(record.get('content')) as number, scores };
    });
  }
}
