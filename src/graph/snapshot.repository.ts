/**
 * Reads the last completed run back into memory: every scored customer's properties, the run's
 * summary and community summaries, and the previous completed run's kept results (for changes).
 */
import type { SnapshotData, SnapshotRun } from '../domain/score-snapshot.js';
import type { SnapshotSource } from '../domain/snapshot.service.js';
import { SCORE_FIELDS, type CommunitySummary, type ScoreField } from '../domain/scoring.js';
import type { GraphDatabase } from './database.js';
import { plain } from './mappers.js';

const LATEST = `
MATCH (r:AnalyticsRun {status: 'completed'})
RETURN r.id AS id ORDER BY r.finishedAt DESC LIMIT 1`;

const RUNS = `
MATCH (r:AnalyticsRun {status: 'completed'})
WITH r ORDER BY r.finishedAt DESC LIMIT 2
OPTIONAL MATCH (r)-[:HAS_RESULTS]->(res:RunResults)
RETURN r.id AS id, r.finishedAt AS finishedAt, r.summary AS summary, r.phases AS phases, res`;

const CUSTOMERS = `
MATCH (c:Customer) WHERE c.scoresRunId = $runId
RETURN c.id AS id, c.name AS name, c.handle AS handle, c.segment AS segment, c.region AS region,
       coalesce(c.optedOut, false) AS optedOut, c.participationTier AS tier, coalesce(c.topics, []) AS topics,
       [f IN $fields | c[f]] AS values
ORDER BY id`;

export class Neo4jSnapshotRepository implements SnapshotSource {
  constructor(private readonly db: GraphDatabase) {}

  async latestCompletedRunId(): Promise<string | undefined> {
    const result = await this.db.read((tx) => tx.run(LATEST));
    return result.records[0]?.get('id') as string | undefined;
  }

  async load(): Promise<SnapshotData | undefined> {
    const runs = await this.db.read((tx) => tx.run(RUNS));
    if (runs.records.length === 0) return undefined;
    const latest = runs.records[0];
    const run: SnapshotRun = {
      id: latest.get('id'),
      finishedAt: latest.get('finishedAt'),
      summary: JSON.parse(latest.get('summary') ?? '{}'),
      phases: JSON.parse(latest.get('phases') ?? '[]'),
    };
    const latestResults = latest.get('res') as { properties: Record<string, unknown> } | null;
    const communities: CommunitySummary[] = latestResults?.properties.communities
      ? JSON.parse(latestResults.properties.communities as string)
      : [];
    let previousRun: SnapshotData['previousRun'];
    const prev = runs.records[1];
    const prevResults = prev?.get('res') as { properties: Record<string, unknown> } | null | undefined;
    if (prev && prevResults) {
      const fields: Partial<Record<ScoreField, number[]>> = {};
      for (const f of SCORE_FIELDS) {
        const values = prevResults.properties[f];
        if (Array.isArray(values)) fields[f] = values.map((v) => plain(v) as number);
      }
      previousRun = { id: prev.get('id'), finishedAt: prev.get('finishedAt'), ids: prevResults.properties.customerIds as string[], fields };
    }

    const ids: string[] = [];
    const name: (string | null)[] = [];
    const handle: (string | null)[] = [];
    const segment: (string | null)[] = [];
    const region: (string | null)[] = [];
    const optedOut: number[] = [];
    const tier: (string | null)[] = [];
    const topics: string[][] = [];
    const columns: number[][] = SCORE_FIELDS.map(() => []);
    await this.db.stream(CUSTOMERS, { runId: run.id, fields: [...SCORE_FIELDS] }, (r) => {
      ids.push(r.id as string);
      name.push((r.name as string) ?? null);
      handle.push((r.handle as string) ?? null);
      segment.push((r.segment as string) ?? null);
      region.push((r.region as string) ?? null);
      optedOut.push(r.optedOut ? 1 : 0);
      tier.push((r.tier as string) ?? null);
      topics.push(r.topics as string[]);
      const values = r.values as unknown[];
      for (let k = 0; k < values.length; k++) {
        const v = values[k];
        columns[k].push(v === null || v === undefined ? NaN : (plain(v) as number));
      }
    });
    const fields: Partial<Record<ScoreField, Float64Array>> = {};
    SCORE_FIELDS.forEach((f, k) => {
      if (columns[k].some((v) => !Number.isNaN(v))) fields[f] = Float64Array.from(columns[k]);
    });
    return {
      run,
      previousRun,
      ids,
      name,
      handle,
      segment,
      region,
      optedOut: Uint8Array.from(optedOut),
      participationTier: tier,
      topics,
      fields,
      communities,
    };
  }
}
