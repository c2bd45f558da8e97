/**
 * Campaign plans kept as (:CampaignPlan) nodes: status and timings as properties, parameters,
 * progress and result as JSON text, so finished plans outlive a restart. Also reads the cost of
 * customers for budgeted plans: a property of that name (c[$attribute]) or, failing that, the key
 * of that name in the customer's free-form attributes.
 */
import type { CampaignPlan, CampaignPlanRepository } from '../domain/campaign/campaign-plan.service.js';
import { int, type GraphDatabase } from './database.js';
import { plain } from './mappers.js';

const SAVE = `MERGE (p:CampaignPlan {id: $id}) SET p += $props`;
const GET = `MATCH (p:CampaignPlan {id: $id}) RETURN properties(p) AS p`;
const LIST = `MATCH (p:CampaignPlan) RETURN properties(p) AS p ORDER BY p.createdAt DESC LIMIT $limit`;
const COSTS = `MATCH (c:Customer) WHERE c[$attribute] IS NOT NULL OR c.attributes IS NOT NULL RETURN c.id AS id, c[$attribute] AS cost, c.attributes AS attributes`;

const JSON_FIELDS = ['params', 'progress', 'result'] as const;

function toProps(plan: CampaignPlan): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plan)) {
    props[key] = value === undefined ? null : (JSON_FIELDS as readonly string[]).includes(key) ? JSON.stringify(value) : value;
  }
  for (const key of JSON_FIELDS) if (!(key in props)) props[key] = null;
  for (const key of ['message', 'startedAt', 'finishedAt', 'runId']) if (!(key in props)) props[key] = null;
  return props;
}

function fromProps(raw: unknown): CampaignPlan {
  const p = plain(raw) as Record<string, unknown>;
  const plan: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p)) {
    if (value === null) continue;
    plan[key] = (JSON_FIELDS as readonly string[]).includes(key) ? JSON.parse(value as string) : value;
  }
  return plan as unknown as CampaignPlan;
}

export class Neo4jCampaignPlanRepository implements CampaignPlanRepository {
  constructor(private readonly db: GraphDatabase) {}

  async save(plan: CampaignPlan): Promise<void> {
    await this.db.write((tx) => tx.run(SAVE, { id: plan.id, props: toProps(plan) }));
  }

  async get(id: string): Promise<CampaignPlan | undefined> {
    const result = await this.db.read((tx) => tx.run(GET, { id }));
    return result.records[0] ? fromProps(result.records[0].get('p')) : undefined;
  }

  async list(limit: number): Promise<CampaignPlan[]> {
    const result = await this.db.read((tx) => tx.run(LIST, { limit: int(limit) }));
    return result.records.map((r) => fromProps(r.get('p')));
  }

  async costs(attribute: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    await this.db.stream(COSTS, { attribute }, (r) => {
      let value = plain(r.cost);
      if ((value === null || value === undefined) && typeof r.attributes === 'string') {
        try {
          value = (JSON.parse(r.attributes) as Record<string, unknown>)[attribute];
        } catch {
          value = undefined;
        }
      }
      const x = typeof value === 'number' || typeof value === 'string' ? Number(value) : NaN;
      if (Number.isFinite(x)) out.set(r.id as string, x);
    });
    return out;
  }
}
