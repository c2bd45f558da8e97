/**
 * One customer's stance evidence and stance history, read with index seeks (the customer by its
 * unique id; each kept run's result block by the (runId, firstId) range index).
 *
 * The evidence is what the analytics projection (projection.repository.ts) collects for the stance
 * phase, restricted to one customer: NPS answers (RATED a brand), engagements with a brand or with
 * something that names its brand (product, campaign, content), and posts with a sentiment about a
 * brand (their brandId, or the brand of the first product they mention). Each item also carries
 * its event or content id and what it targets, so that it can be shown and explained.
 */
import type { CustomerStanceSource, EvidenceItemRow, StanceHistoryRow } from '../domain/customer-stance.service.js';
import type { GraphDatabase } from './database.js';
import { plain } from './mappers.js';

const RATINGS = `
MATCH (c:Customer {id: $id})-[x:RATED]->(b:Brand)
RETURN b.id AS brand, x.id AS id, toFloat(x.score) AS value, toFloat(x.at.epochMillis) AS at`;

const ENGAGEMENTS = `
MATCH (c:Customer {id: $id})-[e:ENGAGED]->(t)
WITH e, t, CASE WHEN t:Brand THEN t.id ELSE t.brandId END AS brand
WHERE brand IS NOT NULL
RETURN brand, e.id AS id, toFloat(coalesce(e.sentiment, 0.0)) AS value, e.kind AS kind, toFloat(e.at.epochMillis) AS at,
       CASE WHEN t:Brand THEN 'brand' WHEN t:Product THEN 'product' WHEN t:Campaign THEN 'campaign'
            WHEN t:Content THEN 'content' ELSE 'other' END AS targetKind,
       t.id AS targetId`;

const CONTENT = `
MATCH (c:Customer {id: $id})-[:POSTED]->(p:Content)
WHERE p.sentiment IS NOT NULL
WITH p, coalesce(p.brandId, [(p)-[:MENTIONS]->(pr:Product) | pr.brandId][0]) AS brand
WHERE brand IS NOT NULL
RETURN brand, p.id AS id, toFloat(p.sentiment) AS value, toFloat(p.createdAt.epochMillis) AS at`;

/** The customer's entry in each kept completed run's stance arrays: one block per run, found by an index seek. */
const HISTORY = `
MATCH (r:AnalyticsRun {status: 'completed'})-[:HAS_RESULTS]->(res:RunResults)
WHERE res.stanceBrandIds IS NOT NULL
CALL (res) {
  MATCH (b:RunResultsBlock)
  WHERE b.runId = res.runId AND b.firstId <= $id
  WITH b WHERE b.lastId >= $id
  RETURN b
}
WITH r, res, b, [k IN range(0, size(b.customerIds) - 1) WHERE b.customerIds[k] = $id][0] AS i
WHERE i IS NOT NULL
WITH r, res.stanceBrandIds AS brands, size(res.stanceBrandIds) AS n, b, i
RETURN r.id AS runId, r.finishedAt AS finishedAt, brands,
       b.stanceClasses[i * n..(i + 1) * n] AS classes,
       b.stanceScores[i * n..(i + 1) * n] AS scores,
       coalesce(b.stanceLatestNps[i * n..(i + 1) * n], []) AS latestNps
ORDER BY finishedAt DESC, runId`;

export class Neo4jCustomerStanceRepository implements CustomerStanceSource {
  constructor(private readonly db: GraphDatabase) {}

  async evidence(id: string): Promise<EvidenceItemRow[]> {
    const rows: EvidenceItemRow[] = [];
    await this.db.read(async (tx) => {
      for (const r of (await tx.run(RATINGS, { id })).records) {
        rows.push({ kind: 'rating', brand: r.get('brand'), id: r.get('id') ?? null, value: r.get('value'), at: r.get('at') });
      }
      for (const r of (await tx.run(ENGAGEMENTS, { id })).records) {
        rows.push({
          kind: 'engagement',
          brand: r.get('brand'),
          id: r.get('id') ?? null,
          value: r.get('value'),
          at: r.get('at'),
          engagementKind: r.get('kind') ?? '',
          target: { kind: r.get('targetKind'), id: r.get('targetId') ?? null },
        });
      }
      for (const r of (await tx.run(CONTENT, { id })).records) {
        rows.push({ kind: 'content', brand: r.get('brand'), id: r.get('id') ?? null, value: r.get('value'), at: r.get('at') });
      }
    });
    return rows;
  }

  async history(id: string): Promise<StanceHistoryRow[]> {
    const result = await this.db.read((tx) => tx.run(HISTORY, { id }));
    return result.records.map((r) => ({
      runId: r.get('runId') as string,
      finishedAt: plain(r.get('finishedAt')) as string,
      brands: r.get('brands') as string[],
      classes: (r.get('classes') as unknown[]).map((c) => plain(c) as number),
      scores: (r.get('scores') as unknown[]).map((c) => plain(c) as number),
      latestNps: (r.get('latestNps') as unknown[]).map((c) => plain(c) as number),
    }));
  }
}
