/**
 * Influencer lists in Neo4j: (:InfluencerList)-[:FOR]->(:Campaign) and
 * (:InfluencerList)-[:INCLUDES {rank, reason}]->(:Customer). Members are read in rank order with
 * opted-out customers left out; an erased customer's membership goes with its node.
 */
import type { InfluencerList, InfluencerListRepository, InfluencerListSummary } from '../domain/influencer-list.service.js';
import { int, type GraphDatabase } from './database.js';
import { plain } from './mappers.js';

const CAMPAIGN_EXISTS = `MATCH (c:Campaign {id: $id}) RETURN count(c) > 0 AS found`;
const CUSTOMERS = `
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN c.id AS id, coalesce(c.optedOut, false) AS optedOut`;
const CREATE = `
MATCH (campaign:Campaign {id: $campaignId})
CREATE (l:InfluencerList {id: $id})
SET l += $props
CREATE (l)-[:FOR]->(campaign)
WITH l
UNWIND $members AS m
MATCH (c:Customer {id: m.id})
CREATE (l)-[:INCLUDES {rank: m.rank, reason: m.reason}]->(c)`;
const REPLACE = `
MATCH (l:InfluencerList {id: $id})
MATCH (campaign:Campaign {id: $campaignId})
SET l += $props
WITH l, campaign
OPTIONAL MATCH (l)-[f:FOR]->()
DELETE f
WITH DISTINCT l, campaign
CREATE (l)-[:FOR]->(campaign)
WITH l
OPTIONAL MATCH (l)-[r:INCLUDES]->()
DELETE r
WITH DISTINCT l
UNWIND $members AS m
MATCH (c:Customer {id: m.id})
CREATE (l)-[:INCLUDES {rank: m.rank, reason: m.reason}]->(c)`;
const EXISTS = `MATCH (l:InfluencerList {id: $id}) RETURN count(l) > 0 AS found`;
const GET = `
MATCH (l:InfluencerList {id: $id})
OPTIONAL MATCH (l)-[:FOR]->(campaign:Campaign)
CALL (l) {
  OPTIONAL MATCH (l)-[r:INCLUDES]->(c:Customer)
  WHERE NOT coalesce(c.optedOut, false)
  WITH r, c ORDER BY r.rank
  RETURN collect(CASE WHEN c IS NULL THEN null ELSE {rank: r.rank, id: c.id, reason: r.reason} END) AS members
}
RETURN properties(l) AS l, campaign.id AS campaignId, members`;
const LIST = `
MATCH (l:InfluencerList)-[:FOR]->(campaign:Campaign)
WHERE $campaignId IS NULL OR campaign.id = $campaignId
CALL (l) {
  OPTIONAL MATCH (l)-[:INCLUDES]->(c:Customer)
  WHERE NOT coalesce(c.optedOut, false)
  RETURN count(c) AS memberCount
}
RETURN properties(l) AS l, campaign.id AS campaignId, memberCount
ORDER BY l.createdAt DESC LIMIT $limit`;
const DELETE = `MATCH (l:InfluencerList {id: $id}) DETACH DELETE l RETURN count(*) AS n`;
const REMOVE_MEMBERS = `
UNWIND $ids AS id
MATCH (:InfluencerList)-[r:INCLUDES]->(:Customer {id: id})
DELETE r
RETURN count(r) AS n`;

function propsOf(list: InfluencerList): Record<string, unknown> {
  return { name: list.name, description: list.description, planId: list.planId, createdAt: list.createdAt, updatedAt: list.updatedAt };
}

function summaryOf(raw: unknown, campaignId: unknown): Omit<InfluencerListSummary, 'memberCount'> {
  const p = plain(raw) as Record<string, unknown>;
  return {
    id: p.id as string,
    name: p.name as string,
    description: (p.description as string | null) ?? null,
    campaignId: campaignId as string,
    planId: (p.planId as string | null) ?? null,
    createdAt: p.createdAt as string,
    updatedAt: p.updatedAt as string,
  };
}

export class Neo4jInfluencerListRepository implements InfluencerListRepository {
  constructor(private readonly db: GraphDatabase) {}

  async campaignExists(id: string): Promise<boolean> {
    const r = await this.db.read((tx) => tx.run(CAMPAIGN_EXISTS, { id }));
    return r.records[0]?.get('found') === true;
  }

  async customers(ids: string[]): Promise<{ known: Set<string>; optedOut: Set<string> }> {
    const known = new Set<string>();
    const optedOut = new Set<string>();
    if (ids.length === 0) return { known, optedOut };
    const r = await this.db.read((tx) => tx.run(CUSTOMERS, { ids }));
    for (const rec of r.records) {
      known.add(rec.get('id') as string);
      if (rec.get('optedOut') === true) optedOut.add(rec.get('id') as string);
    }
    return { known, optedOut };
  }

  async create(list: InfluencerList): Promise<void> {
    await this.db.write((tx) =>
      tx.run(CREATE, { id: list.id, campaignId: list.campaignId, props: propsOf(list), members: list.members.map((m) => ({ ...m, rank: int(m.rank) })) }),
    );
  }

  async replace(list: InfluencerList): Promise<boolean> {
    return this.db.write(async (tx) => {
      const found = await tx.run(EXISTS, { id: list.id });
      if (found.records[0]?.get('found') !== true) return false;
      await tx.run(REPLACE, { id: list.id, campaignId: list.campaignId, props: propsOf(list), members: list.members.map((m) => ({ ...m, rank: int(m.rank) })) });
      return true;
    });
  }

  async get(id: string): Promise<InfluencerList | undefined> {
    const r = await this.db.read((tx) => tx.run(GET, { id }));
    const rec = r.records[0];
    if (!rec) return undefined;
    const members = (plain(rec.get('members')) as ({ rank: number; id: string; reason: string | null } | null)[]).filter((m) => m !== null);
    return { ...summaryOf(rec.get('l'), rec.get('campaignId')), members: members.map((m) => ({ rank: m.rank, id: m.id, reason: m.reason ?? null })) };
  }

  async list(campaignId: string | undefined, limit: number): Promise<InfluencerListSummary[]> {
    const r = await this.db.read((tx) => tx.run(LIST, { campaignId: campaignId ?? null, limit: int(limit) }));
    return r.records.map((rec) => ({ ...summaryOf(rec.get('l'), rec.get('campaignId')), memberCount: plain(rec.get('memberCount')) as number }));
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.write((tx) => tx.run(DELETE, { id }));
    return (plain(r.records[0]?.get('n')) as number) > 0;
  }

  async removeMembers(customerIds: string[]): Promise<number> {
    const r = await this.db.write((tx) => tx.run(REMOVE_MEMBERS, { ids: customerIds }));
    return plain(r.records[0]?.get('n') ?? 0) as number;
  }
}
