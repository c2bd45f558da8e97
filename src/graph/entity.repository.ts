/**
 * Reads of stored entities (one with its ties and counts, lists with cursor pagination), the
 * export of everything held about a customer, and erasure. Labels and filters come from closed
 * allow-lists; every value is a parameter. Erasure costs O(size of the kept run results): each
 * run's arrays are read once and rebuilt from two slices around the customer's position.
 */
import type { EntityListQuery, EntityReadRepository, EntityView, TieView } from '../domain/entity.service.js';
import { LABELS, type EntityRef } from '../domain/model.js';
import { SCORE_FIELDS, STANCE_CLASSES } from '../domain/scoring.js';
import { privacyKey } from '../domain/snapshot.service.js';
import { int, type GraphDatabase, type Tx } from './database.js';
import { entityProperties, plain } from './mappers.js';
import { appendPrivacyEvents } from './privacy-log.js';

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

const CUSTOMER_EXISTS = `MATCH (c:Customer {id: $id}) RETURN c.id AS id`;

const ERASE_CUSTOMER = `
MATCH (c:Customer {id: $id})
OPTIONAL MATCH (c)-[:POSTED]->(p:Content)
WITH c, collect(DISTINCT p) AS posts
FOREACH (x IN posts | DETACH DELETE x)
DETACH DELETE c
RETURN size(posts) AS content`;

/** Every per-customer array of a run's kept results, aligned with customerIds (one entry per customer). */
export const RUN_ARRAYS = [...SCORE_FIELDS, 'participationTier', 'topics'] as const;
/** The stance arrays: customer-major slices of stanceBrandIds.length entries per customer. */
export const RUN_STANCE_ARRAYS = ['stanceClasses', 'stanceScores', 'stanceLatestNps'] as const;

/** The kept runs that name the customer: in their arrays, or among a community's top members (a quoted JSON string match). */
const RUNS_NAMING = `
MATCH (res:RunResults) WHERE $id IN res.customerIds OR res.communities CONTAINS $quoted
RETURN elementId(res) AS ref`;

/** One run: the customer's position in its arrays (null when absent) and its community summaries. */
const RUN_POSITION = `
MATCH (res:RunResults) WHERE elementId(res) = $ref
WITH res, res.customerIds AS ids
RETURN [k IN range(0, size(ids) - 1) WHERE ids[k] = $id][0] AS at, res.communities AS communities`;

/**
 * Removes the entry at position $at from one run's kept results. Each array is read once (bound
 * to a variable) and rebuilt from two slices around the position: O(size of the run's results).
 * A missing array stays missing (null slices concatenate to null).
 */
export const ERASE_FROM_RUN_RESULTS = `
MATCH (res:RunResults) WHERE elementId(res) = $ref
WITH res, $at AS i, coalesce(size(res.stanceBrandIds), 0) AS b, res.customerIds AS ids,
${[...RUN_ARRAYS, ...RUN_STANCE_ARRAYS].map((f) => `     res.${f} AS a_${f}`).join(',\n')}
SET res.customerIds = ids[..i] + ids[i + 1..],
${RUN_ARRAYS.map((f) => `    res.${f} = a_${f}[..i] + a_${f}[i + 1..]`).join(',\n')},
${RUN_STANCE_ARRAYS.map((f) => `    res.${f} = a_${f}[..i * b] + a_${f}[(i + 1) * b..]`).join(',\n')}`;

const WRITE_RUN_COMMUNITIES = `
MATCH (res:RunResults) WHERE elementId(res) = $ref
SET res.communities = $communities`;

/** Removes the customer from one run's kept results (arrays and community summaries); true when its arrays held them. */
async function scrubRun(tx: Tx, ref: string, id: string): Promise<boolean> {
  const record = (await tx.run(RUN_POSITION, { ref, id })).records[0];
  if (!record) return false;
  const at = record.get('at');
  if (at !== null) await tx.run(ERASE_FROM_RUN_RESULTS, { ref, at });
  const json = record.get('communities') as string | null;
  const communities = json === null ? undefined : scrubCommunities(json, id);
  if (communities !== undefined) await tx.run(WRITE_RUN_COMMUNITIES, { ref, communities });
  return at !== null;
}

/** The runs naming the customer, in the given transaction. */
async function runsNaming(tx: Tx, id: string): Promise<string[]> {
  const result = await tx.run(RUNS_NAMING, { id, quoted: JSON.stringify(id) });
  return result.records.map((r) => r.get('ref') as string);
}

/**
 * Removes the customer from every kept run, one write transaction per run: rewriting ten runs of
 * 100k customers in one transaction exceeds Neo4j's transaction memory (the old and new array
 * records of every run are held until commit). Returns the number of runs whose arrays held them.
 */
export async function scrubRunResults(db: GraphDatabase, id: string): Promise<number> {
  const refs = await db.read((tx) => runsNaming(tx, id));
  let runs = 0;
  for (const ref of refs) if (await db.write((tx) => scrubRun(tx, ref, id))) runs++;
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
  MATCH (r:AnalyticsRun)-[:HAS_RESULTS]->(res:RunResults) WHERE c.id IN res.customerIds
  WITH r, res, res.customerIds AS ids
  WITH r, res, [i IN range(0, size(ids) - 1) WHERE ids[i] = c.id][0] AS at, coalesce(size(res.stanceBrandIds), 0) AS b
  ORDER BY res.createdAt
  RETURN collect({runId: res.runId, createdAt: res.createdAt, finishedAt: r.finishedAt,
${SCORE_FIELDS.map((f) => `    ${f}: res.${f}[at]`).join(',\n')},
    participationTier: res.participationTier[at],
    topics: CASE WHEN res.topics IS NULL THEN [] ELSE [t IN split(res.topics[at], '|') WHERE t <> ''] END,
    stances: [k IN range(0, b - 1) | {brand: res.stanceBrandIds[k], stanceClass: res.stanceClasses[at * b + k],
      score: res.stanceScores[at * b + k], latestNps: res.stanceLatestNps[at * b + k]}]
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
   * Erases the customer: first their entry in every kept run (arrays and community summaries), one
   * transaction per run; then, in one transaction, the customer with their ties and content, any
   * run published meanwhile, and the privacy log's record. Until that last commit the customer is
   * still there, so a failed erasure is completed by erasing again.
   */
  async eraseCustomer(id: string): Promise<{ erased: boolean; content: number; scores: number }> {
    const found = await this.db.read((tx) => tx.run(CUSTOMER_EXISTS, { id }));
    if (found.records.length === 0) return { erased: false, content: 0, scores: 0 };
    const scrubbed = await scrubRunResults(this.db, id);
    return this.db.write(async (tx) => {
      const erased = await tx.run(ERASE_CUSTOMER, { id });
      const record = erased.records[0];
      if (!record) return { erased: false, content: 0, scores: 0 };
      let late = 0;
      for (const ref of await runsNaming(tx, id)) if (await scrubRun(tx, ref, id)) late++;
      await appendPrivacyEvents(tx, [{ kind: 'erase', customerKey: privacyKey(id) }]);
      return { erased: true, content: plain(record.get('content')) as number, scores: scrubbed + late };
    });
  }
}
