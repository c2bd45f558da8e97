/**
 * Reads the last completed run back into memory: every scored customer's properties, the run's
 * summary and community summaries, and the previous completed run's kept results (for changes).
 */
import type { SnapshotData, SnapshotRun } from '../domain/score-snapshot.js';
import type { SnapshotSource } from '../domain/snapshot.service.js';
import type { RunStance, StanceHistorySource } from '../domain/stance-insights.service.js';
import { SCORE_FIELDS, STANCE_CLASSES, type BrandStanceSummary, type CommunitySummary, type ScoreField } from '../domain/scoring.js';
import { int, type GraphDatabase } from './database.js';
import { plain } from './mappers.js';

const LATEST = `
MATCH (r:AnalyticsRun {status: 'completed'})
RETURN r.id AS id ORDER BY r.finishedAt DESC LIMIT 1`;

const RUNS = `
MATCH (r:AnalyticsRun {status: 'completed'})
WITH r ORDER BY r.finishedAt DESC LIMIT 2
OPTIONAL MATCH (r)-[:HAS_RESULTS]->(res:RunResults)
RETURN r.id AS id, r.finishedAt AS finishedAt, r.summary AS summary, r.phases AS phases, r.params AS params, res`;

const CUSTOMERS = `
MATCH (c:Customer) WHERE c.scoresRunId = $runId
RETURN c.id AS id, c.name AS name, c.handle AS handle, c.segment AS segment, c.region AS region,
       coalesce(c.optedOut, false) AS optedOut, c.participationTier AS tier, coalesce(c.topics, []) AS topics,
       [f IN $fields | c[f]] AS values,
       c.stances AS stances, c.stanceScores AS stanceScores, c.latestNps AS latestNps
ORDER BY id`;

const HISTORY = `
MATCH (r:AnalyticsRun {status: 'completed'})
RETURN r.id AS id, r.finishedAt AS finishedAt, r.summary AS summary
ORDER BY r.finishedAt DESC LIMIT $limit`;

const RUN_STANCE = `
MATCH (r:AnalyticsRun {id: $runId, status: 'completed'})-[:HAS_RESULTS]->(res:RunResults)
WHERE res.stanceBrandIds IS NOT NULL
RETURN r.finishedAt AS finishedAt, res.customerIds AS ids, res.stanceBrandIds AS brands,
       res.stanceClasses AS classes, res.stanceScores AS scores`;

export class Neo4jSnapshotRepository implements SnapshotSource, StanceHistorySource {
  async runStance(runId: string): Promise<RunStance | undefined> {
    const result = await this.db.read((tx) => tx.run(RUN_STANCE, { runId }));
    const r = result.records[0];
    if (!r) return undefined;
    return {
      runId,
      finishedAt: r.get('finishedAt') as string,
      ids: r.get('ids') as string[],
      brands: r.get('brands') as string[],
      classes: (r.get('classes') as unknown[]).map((c) => plain(c) as number),
      scores: r.get('scores') as number[],
    };
  }

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
      params: JSON.parse(latest.get('params') ?? '{}'),
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
    const stanceBrands = ((run.summary.stance as { brands?: string[] } | undefined)?.brands ?? []) as string[];
    const B = stanceBrands.length;
    const classes: number[] = [];
    const stanceScores: number[] = [];
    const latestNps: number[] = [];
    await this.db.stream(CUSTOMERS, { runId: run.id, fields: [...SCORE_FIELDS] }, (r) => {
      ids.push(r.id as string);
      name.push((r.name as string) ?? null);
      handle.push((r.handle as string) ?? null);
      segment.push((r.segment as string) ?? null);
      region.push((r.region as string) ?? null);
      optedOut.push(r.optedOut ? 1 : 0);
      tier.push((r.tier as string) ?? null);
      topics.push(r.topics as string[]);
      if (B > 0) {
        const st = (r.stances as string[] | null) ?? [];
        const sc = (r.stanceScores as number[] | null) ?? [];
        const nps = (r.latestNps as unknown[] | null) ?? [];
        for (let b = 0; b < B; b++) {
          classes.push(Math.max(0, STANCE_CLASSES.indexOf((st[b] ?? 'unknown') as (typeof STANCE_CLASSES)[number])));
          stanceScores.push(sc[b] ?? 0);
          latestNps.push(nps[b] === undefined ? -1 : (plain(nps[b]) as number));
        }
      }
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
    const history = await this.db.read((tx) => tx.run(HISTORY, { limit: int(20) }));
    return {
      run,
      previousRun,
      stance: B > 0 ? { brands: stanceBrands, classes: Int8Array.from(classes), scores: Float64Array.from(stanceScores), latestNps: Int8Array.from(latestNps) } : undefined,
      history: history.records.map((h) => ({
        runId: h.get('id') as string,
        finishedAt: h.get('finishedAt') as string,
        stance: (JSON.parse((h.get('summary') as string) ?? '{}').stance as { summary?: Record<string, BrandStanceSummary> } | undefined)?.summary,
      })),
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
