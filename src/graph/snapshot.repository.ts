/**
 * Reads the current run back into memory: every scored customer's properties, the run's summary
 * and community summaries, and the previous completed run's kept results (for changes). Only runs
 * made current by their publication are read (src/graph/analytics-run.repository.ts), never the
 * results of a run still being written.
 * A run's per-customer results are read from its blocks, concatenated in block order.
 */
import { endianness } from 'node:os';
import type { SnapshotData, SnapshotRun } from '../domain/score-snapshot.js';
import type { CustomerDetails, PrivacyChange, PrivacyEvent, SnapshotSource } from '../domain/snapshot.service.js';
import type { RunStance, StanceHistorySource } from '../domain/stance-insights.service.js';
import { SCORE_FIELDS, type BrandStanceSummary, type CommunitySummary, type ScoreField } from '../domain/scoring.js';
import { int, isProcedureNotFound, type GraphDatabase } from './database.js';
import { plain } from './mappers.js';
import { readRunArrays, RUN_ARRAYS, RUN_STANCE_ARRAYS } from './run-results.js';
import { CURRENT_RUN } from './analytics-run.repository.js';
import { appendPrivacyEvents, privacyEventsAfter, privacyHead } from './privacy-log.js';
import { typed } from './projection.repository.js';

/**
 * The current run first (the one (:CurrentRun) points at; a run becomes completed and current in
 * one transaction, after its results are whole), then the other completed runs, newest first.
 */
const BY_CURRENT = `
OPTIONAL MATCH (cur:CurrentRun {name: $current})
WITH r, CASE WHEN r.id = cur.runId THEN 0 ELSE 1 END AS notCurrent
ORDER BY notCurrent, r.finishedAt DESC`;

const LATEST = `
MATCH (r:AnalyticsRun {status: 'completed'})
${BY_CURRENT}
RETURN r.id AS id LIMIT 1`;

const RUNS = `
MATCH (r:AnalyticsRun {status: 'completed'})
${BY_CURRENT}
WITH r LIMIT 2
OPTIONAL MATCH (r)-[:HAS_RESULTS]->(res:RunResults)
RETURN r.id AS id, r.finishedAt AS finishedAt, r.summary AS summary, r.phases AS phases, r.params AS params,
       res, elementId(res) AS ref`;

/** What the snapshot shows of each customer besides the run's scores (which come from its RunResults blocks). */
const CUSTOMERS = `
MATCH (c:Customer)
RETURN c.id AS id, c.name AS name, c.handle AS handle, c.segment AS segment, c.region AS region,
       coalesce(c.optedOut, false) AS optedOut`;

/**
 * CUSTOMERS through the launcher's procedure: chunks of customers in id order, their opt-out and
 * the lengths of their id, name, handle, segment and region (−1 for null) as int32 columns, and
 * each text column's values joined into one string (one string to decode per column and chunk
 * instead of six values per customer: about 0.3 s of the service's CPU at 100k customers instead
 * of 2 s).
 */
const DETAIL_CHUNKS = `
CALL influencegraph.projection.details() YIELD part, rows, ints, strings
RETURN toFloat(rows) AS rows, ints, strings`;

const HISTORY = `
MATCH (r:AnalyticsRun {status: 'completed'})
RETURN r.id AS id, r.finishedAt AS finishedAt, r.summary AS summary
ORDER BY r.finishedAt DESC LIMIT $limit`;

const RUN_STANCE = `
MATCH (r:AnalyticsRun {id: $runId, status: 'completed'})-[:HAS_RESULTS]->(res:RunResults)
WHERE res.stanceBrandIds IS NOT NULL
RETURN r.finishedAt AS finishedAt, elementId(res) AS ref, res.stanceBrandIds AS brands`;

export class Neo4jSnapshotRepository implements SnapshotSource, StanceHistorySource {
  async runStance(runId: string): Promise<RunStance | undefined> {
    const result = await this.db.read((tx) => tx.run(RUN_STANCE, { runId }));
    const r = result.records[0];
    if (!r) return undefined;
    const { customerIds, arrays } = await readRunArrays(this.db, r.get('ref') as string, ['stanceClasses', 'stanceScores']);
    return {
      runId,
      finishedAt: r.get('finishedAt') as string,
      ids: customerIds,
      brands: r.get('brands') as string[],
      classes: (arrays.stanceClasses ?? []).map((c) => plain(c) as number),
      scores: (arrays.stanceScores ?? []) as number[],
    };
  }

  constructor(
    protected readonly db: GraphDatabase,
    /** 'cypher' reads the details with Cypher even where the launcher's procedure is there (tests compare the two). */
    private readonly reading: 'auto' | 'cypher' = 'auto',
  ) {}


  async latestCompletedRunId(): Promise<string | undefined> {
    const result = await this.db.read((tx) => tx.run(LATEST, { current: CURRENT_RUN }));
    return result.records[0]?.get('id') as string | undefined;
  }

  /**
   * Who the customers are (customers erased since the run are gone: marked opted out, never
   * listed): through the launcher's procedure where the database has it, else with Cypher.
   */
  async details(ids: readonly string[]): Promise<CustomerDetails> {
    const n = ids.length;
    const index = new Map(ids.map((id, i) => [id, i]));
    const name: (string | null)[] = new Array(n).fill(null);
    const handle: (string | null)[] = new Array(n).fill(null);
    const segment: (string | null)[] = new Array(n).fill(null);
    const region: (string | null)[] = new Array(n).fill(null);
    const optedOut = new Uint8Array(n).fill(1);
    const stored = new Uint8Array(n);
    const columns = [null, name, handle, segment, region];
    const packed = this.reading === 'auto' && endianness() === 'LE' && (await this.readPacked((rows, ints, strings) => {
      // Each text column's read position, and each row's customer index (−1: not in `ids`).
      const at = [0, 0, 0, 0, 0];
      for (let j = 0; j < rows; j++) {
        let i = -1;
        for (let k = 0; k < 5; k++) {
          const length = ints[(k + 1) * rows + j];
          const value = length < 0 ? null : strings[k].slice(at[k], (at[k] += length));
          if (k === 0) i = value === null ? -1 : (index.get(value) ?? -1);
          else if (i >= 0) columns[k]![i] = value;
        }
        if (i < 0) continue;
        stored[i] = 1;
        optedOut[i] = ints[j];
      }
    }));
    if (!packed) {
      await this.db.stream(CUSTOMERS, {}, (r) => {
        const i = index.get(r.id as string);
        if (i === undefined) return;
        stored[i] = 1;
        name[i] = (r.name as string) ?? null;
        handle[i] = (r.handle as string) ?? null;
        segment[i] = (r.segment as string) ?? null;
        region[i] = (r.region as string) ?? null;
        optedOut[i] = r.optedOut ? 1 : 0;
      });
    }
    const missing: string[] = [];
    for (let i = 0; i < n; i++) if (!stored[i]) missing.push(ids[i]);
    return { name, handle, segment, region, optedOut, missing };
  }

  /** Streams DETAIL_CHUNKS to `take`; false (nothing taken) when the database has no such procedure. */
  private async readPacked(take: (rows: number, ints: Int32Array, strings: string[]) => void): Promise<boolean> {
    try {
      await this.db.stream(DETAIL_CHUNKS, {}, (r) => take(r.rows as number, typed(r.ints as string, Int32Array), r.strings as string[]));
      return true;
    } catch (error) {
      if (isProcedureNotFound(error)) return false;
      throw error;
    }
  }

  privacyHead(): Promise<number> {
    return privacyHead(this.db);
  }

  privacyEventsAfter(after: number): Promise<{ head: number; events: PrivacyEvent[] }> {
    return privacyEventsAfter(this.db, after);
  }

  async recordPrivacy(changes: PrivacyChange[]): Promise<void> {
    if (changes.length > 0) await this.db.write((tx) => appendPrivacyEvents(tx, changes));
  }

  async load(): Promise<(SnapshotData & { missing: string[] }) | undefined> {
    const runs = await this.db.read((tx) => tx.run(RUNS, { current: CURRENT_RUN }));
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
    const prevRef = prev?.get('ref') as string | null | undefined;
    if (prev && prevRef) {
      const kept = await readRunArrays(this.db, prevRef, SCORE_FIELDS);
      const fields: Partial<Record<ScoreField, Float64Array>> = {};
      for (const f of SCORE_FIELDS) {
        const values = kept.arrays[f];
        if (Array.isArray(values)) fields[f] = Float64Array.from(values, (v) => (v === null ? NaN : (plain(v) as number)));
      }
      previousRun = { id: prev.get('id'), finishedAt: prev.get('finishedAt'), ids: kept.customerIds, fields };
    }

    // Scores, tiers, topics and stances: the run's blocks, aligned with its customerIds.
    const latestRef = latest.get('ref') as string | null;
    const kept = latestRef ? await readRunArrays(this.db, latestRef, [...RUN_ARRAYS, ...RUN_STANCE_ARRAYS]) : { customerIds: [], arrays: {} };
    const res: Record<string, unknown> = { ...(latestResults?.properties ?? {}), ...kept.arrays };
    const ids = kept.customerIds;
    const n = ids.length;
    const fields: Partial<Record<ScoreField, Float64Array>> = {};
    for (const f of SCORE_FIELDS) {
      const values = res[f];
      if (Array.isArray(values)) fields[f] = Float64Array.from(values, (v) => (v === null ? NaN : (plain(v) as number)));
    }
    const tier = Array.isArray(res.participationTier) ? (res.participationTier as string[]) : new Array<string | null>(n).fill(null);
    const topics = Array.isArray(res.topics) ? (res.topics as string[]).map((t) => (t ? t.split('|') : [])) : Array.from({ length: n }, () => []);
    const stanceBrands = (res.stanceBrandIds as string[] | undefined) ?? [];
    const B = stanceBrands.length;
    const stance =
      B > 0
        ? {
            brands: stanceBrands,
            classes: Int8Array.from(res.stanceClasses as unknown[], (c) => plain(c) as number),
            scores: Float64Array.from(res.stanceScores as number[]),
            latestNps: Int8Array.from((res.stanceLatestNps as unknown[] | undefined) ?? new Array(n * B).fill(-1), (c) => plain(c) as number),
          }
        : undefined;

    const { name, handle, segment, region, optedOut, missing } = await this.details(ids);
    const history = await this.db.read((tx) => tx.run(HISTORY, { limit: int(20) }));
    return {
      run,
      previousRun,
      stance,
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
      optedOut,
      missing,
      participationTier: tier,
      topics,
      fields,
      communities,
    };
  }
}
