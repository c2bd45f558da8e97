/**
 * Analytics runs as (:AnalyticsRun) nodes, and the publication of a run's results in one write
 * transaction: the scores as plain properties on every Customer (for Cypher and the API), the
 * per-run copy as arrays on a (:RunResults) node (for comparing runs), the run's status, and the
 * pruning of results older than the configured number of runs. Until that transaction commits,
 * nothing of the run is visible; if it aborts (error, cancel, kill) nothing of it remains.
 */
import type { AnalyticsRun, AnalyticsRunRepository, PublishInput } from '../domain/analytics-run.service.js';
import { RunCancelled } from '../domain/analytics-run.service.js';
import { INTEGER_FIELDS, PLAIN_FIELDS, SCORE_FIELDS, STANCE_CLASSES, type ScoreField } from '../domain/scoring.js';
import { int, type GraphDatabase } from './database.js';
import { plain } from './mappers.js';


const SAVE = `MERGE (r:AnalyticsRun {id: $id}) SET r += $props`;
const GET = `MATCH (r:AnalyticsRun {id: $id}) RETURN properties(r) AS r`;
const LIST = `MATCH (r:AnalyticsRun) RETURN properties(r) AS r ORDER BY r.startedAt DESC LIMIT $limit`;
const MAX_COMMUNITY = `MATCH (r:AnalyticsRun {status: 'completed'}) RETURN max(r.maxCommunityId) AS m`;
const PREVIOUS_COMMUNITIES = `
MATCH (r:AnalyticsRun {status: 'completed'})-[:HAS_RESULTS]->(res:RunResults)
WHERE 'community' IN res.fields
RETURN res.customerIds AS ids, res.community AS communities
ORDER BY r.finishedAt DESC LIMIT 1`;
const INTERRUPT = `
MATCH (r:AnalyticsRun {status: 'running'})
SET r.status = 'interrupted', r.finishedAt = toString(datetime()),
    r.message = 'The service stopped during this run; the previous results stay in place'
RETURN count(r) AS n`;
const WRITE_SCORES = `
UNWIND $rows AS row
MATCH (c:Customer {id: row.id})
SET c += row.scores`;
const WRITE_RESULTS = `
MATCH (run:AnalyticsRun {id: $runId})
CREATE (run)-[:HAS_RESULTS]->(res:RunResults {runId: $runId, createdAt: $createdAt})
SET res += $arrays`;
const PRUNE = `
MATCH (r:AnalyticsRun {status: 'completed'})
WITH r ORDER BY r.finishedAt DESC
SKIP $keep
MATCH (r)-[:HAS_RESULTS]->(res:RunResults)
DETACH DELETE res`;

function toProps(run: AnalyticsRun): Record<string, unknown> {
  const louvain = run.summary.louvain as { maxCommunityId?: number } | undefined;
  return {
    status: run.status,
    params: JSON.stringify(run.params),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? null,
    progress: run.progress,
    phases: JSON.stringify(run.phases),
    summary: JSON.stringify(run.summary),
    message: run.message ?? null,
    peakRssMb: run.peakRssMb ?? null,
    maxCommunityId: louvain?.maxCommunityId ?? null,
  };
}

function fromProps(raw: unknown, id?: string): AnalyticsRun {
  const p = plain(raw) as Record<string, unknown>;
  const run: AnalyticsRun = {
    id: (p.id as string) ?? id,
    status: p.status as AnalyticsRun['status'],
    params: JSON.parse((p.params as string) ?? '{}'),
    startedAt: p.startedAt as string,
    progress: (p.progress as number) ?? 0,
    phases: JSON.parse((p.phases as string) ?? '[]'),
    summary: JSON.parse((p.summary as string) ?? '{}'),
  };
  if (p.finishedAt) run.finishedAt = p.finishedAt as string;
  if (p.message) run.message = p.message as string;
  if (typeof p.peakRssMb === 'number') run.peakRssMb = p.peakRssMb;
  return run;
}

const value = (field: ScoreField, x: number) => {
  if (!Number.isFinite(x)) return null;
  return INTEGER_FIELDS.has(field) ? int(x) : x;
};

export class Neo4jAnalyticsRunRepository implements AnalyticsRunRepository {
  constructor(
    private readonly db: GraphDatabase,
    private readonly batchSize = 10_000,
  ) {}

  async save(run: AnalyticsRun): Promise<void> {
    await this.db.write((tx) => tx.run(SAVE, { id: run.id, props: toProps(run) }));
  }

  async get(id: string): Promise<AnalyticsRun | undefined> {
    const result = await this.db.read((tx) => tx.run(GET, { id }));
    return result.records[0] ? fromProps(result.records[0].get('r'), id) : undefined;
  }

  async list(limit: number): Promise<AnalyticsRun[]> {
    const result = await this.db.read((tx) => tx.run(LIST, { limit: int(limit) }));
    return result.records.map((r) => fromProps(r.get('r')));
  }

  async maxCommunityId(): Promise<number> {
    const result = await this.db.read((tx) => tx.run(MAX_COMMUNITY));
    const m = plain(result.records[0]?.get('m'));
    return typeof m === 'number' ? m : -1;
  }

  async previousCommunities(): Promise<Map<string, number>> {
    const result = await this.db.read((tx) => tx.run(PREVIOUS_COMMUNITIES));
    const record = result.records[0];
    const map = new Map<string, number>();
    if (!record) return map;
    const ids = record.get('ids') as string[];
    const communities = record.get('communities') as unknown[];
    ids.forEach((id, i) => map.set(id, plain(communities[i]) as number));
    return map;
  }

  async markInterrupted(): Promise<number> {
    const result = await this.db.write((tx) => tx.run(INTERRUPT));
    return plain(result.records[0]?.get('n') ?? 0) as number;
  }

  async publish(input: PublishInput): Promise<void> {
    const { run, ids, fields } = input;
    const present = SCORE_FIELDS.filter((f) => fields[f] !== undefined);
    const updatedAt = run.finishedAt ?? new Date().toISOString();
    await this.db.write(async (tx) => {
      for (let start = 0; start < ids.length; start += this.batchSize) {
        if (input.cancelled()) throw new RunCancelled('cancelled');
        const end = Math.min(ids.length, start + this.batchSize);
        const rows = new Array(end - start);
        for (let i = start; i < end; i++) {
          const st = input.stance;
          const scores: Record<string, unknown> = {
            scoresRunId: run.id,
            stance: st && st.brands.length > 0 ? STANCE_CLASSES[st.classes[i * st.brands.length]] : null,
          };
          // Scores this run did not compute are cleared, so a customer never shows two runs at once.
          for (const field of PLAIN_FIELDS) {
            const array = fields[field];
            scores[field] = array ? value(field, array[i]) : null;
          }
          rows[i - start] = { id: ids[i], scores };
        }
        await tx.run(WRITE_SCORES, { rows });
        await input.onBatch?.(end, ids.length);
      }
      if (input.cancelled()) throw new RunCancelled('cancelled');
      await tx.run(SAVE, { id: run.id, props: toProps(run) });
      const arrays: Record<string, unknown> = {
        customerIds: ids,
        fields: present,
        communities: JSON.stringify(input.communities),
        participationTier: input.text.participationTier,
        topics: input.text.topics.map((t) => t.join('|')),
      };
      if (input.stance) {
        arrays.stanceBrandIds = input.stance.brands;
        arrays.stanceClasses = Array.from(input.stance.classes, (c) => int(c));
        arrays.stanceScores = Array.from(input.stance.scores);
        arrays.stanceLatestNps = Array.from(input.stance.latestNps, (c) => int(c));
      }
      // NaN (no value: e.g. engagement rate without posts) is kept as NaN.
      for (const field of present) arrays[field] = Array.from(fields[field]!);
      await tx.run(WRITE_RESULTS, { runId: run.id, createdAt: updatedAt, arrays });
      await tx.run(PRUNE, { keep: int(input.keepRuns) });
    });
  }
}
