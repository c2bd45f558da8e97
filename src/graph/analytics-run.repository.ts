/**
 * Analytics runs as (:AnalyticsRun) nodes, and the publication of a run's results in one write
 * transaction: the scores as plain properties on every Customer (for Cypher and the API), the
 * per-run copy in blocks under a (:RunResults) node (src/graph/run-results.ts, for comparing runs),
 * the run's status, and the pruning of results older than the configured number of runs. Customers
 * erased while the publication was writing (their node gone before their batch was written) are
 * scrubbed from the new run's blocks before the commit. Until that transaction commits,
 * nothing of the run is visible; if it aborts (error, cancel, kill) nothing of it remains.
 *
 * Across processes, one run at a time is kept by a lease node, (:Lease {name: 'analytics'}), with
 * its holder, run id and expiry in database time (`timestamp()`, so clocks of the processes do not
 * matter). Every lease operation first writes the node, which takes its write lock, and only then
 * reads it: two concurrent takers are serialised and exactly one wins. The publication transaction
 * checks and renews the lease as its last statement, which keeps it locked until the commit, so a
 * holder whose lease was taken over can never publish. Fresh community ids come from (:Sequence {name: 'communityId'}),
 * read and advanced under its lock inside the publication transaction.
 */
import type { AnalyticsRun, AnalyticsRunRepository, LeaseClaim, LeaseHolder, PublishInput } from '../domain/analytics-run.service.js';
import { LeaseLost, RunCancelled } from '../domain/analytics-run.service.js';
import { INTEGER_FIELDS, PLAIN_FIELDS, SCORE_FIELDS, STANCE_CLASSES, type ScoreField } from '../domain/scoring.js';
import { int, type GraphDatabase } from './database.js';
import { plain } from './mappers.js';
import { BLOCK_SIZE, readRunArrays, scrubBlocks, toBlocks, writeBlocks } from './run-results.js';


const LEASE = 'analytics';
const COMMUNITY_SEQUENCE = 'communityId';

const CREATE = `CREATE (r:AnalyticsRun {id: $id}) SET r += $props`;
/**
 * Status transitions only from `running`: a finished run is never moved to another status (a
 * completed run may still get its final timings, with the same status).
 */
const SAVE = `
MATCH (r:AnalyticsRun {id: $id})
WHERE r.status = 'running' OR r.status = $props.status
SET r += $props
RETURN count(r) AS n`;
const GET = `MATCH (r:AnalyticsRun {id: $id}) RETURN properties(r) AS r`;
const LIST = `MATCH (r:AnalyticsRun) RETURN properties(r) AS r ORDER BY r.startedAt DESC LIMIT $limit`;
const MAX_COMMUNITY = `
OPTIONAL MATCH (r:AnalyticsRun {status: 'completed'})
WITH max(r.maxCommunityId) AS m
OPTIONAL MATCH (s:Sequence {name: $sequence})
RETURN m, s.next AS next`;
const PREVIOUS_COMMUNITIES = `
MATCH (r:AnalyticsRun {status: 'completed'})-[:HAS_RESULTS]->(res:RunResults)
WHERE 'community' IN res.fields
RETURN elementId(res) AS ref
ORDER BY r.finishedAt DESC LIMIT 1`;
/**
 * Runs left `running` by a process that is gone: no live lease names them, or this holder
 * (a previous life of the same service) owned them. A run under another live lease is left alone.
 */
const INTERRUPT = `
MATCH (r:AnalyticsRun {status: 'running'})
OPTIONAL MATCH (l:Lease {name: $lease})
WITH r, l, timestamp() AS now
WHERE l IS NULL OR l.runId IS NULL OR l.runId <> r.id OR l.expiresAt < now OR l.holder = $holder
SET r.status = 'interrupted', r.finishedAt = toString(datetime()),
    r.message = 'The service stopped during this run; the previous results stay in place'
RETURN count(r) AS n`;
/** Takes the lease's write lock (creating the node on first use) before anything reads it. */
const LEASE_LOCK = `
MERGE (l:Lease {name: $lease})
SET l.lockedBy = $holder`;
const LEASE_READ = `
MATCH (l:Lease {name: $lease})
RETURN l.holder AS holder, l.runId AS runId, l.expiresAt AS expiresAt, timestamp() AS now`;
const LEASE_TAKE = `
MATCH (l:Lease {name: $lease})
SET l.holder = $holder, l.runId = $runId, l.takenAt = timestamp(), l.expiresAt = timestamp() + $ttlMs
WITH l
OPTIONAL MATCH (stale:AnalyticsRun {id: $previousRunId})
WHERE stale.status = 'running'
SET stale.status = 'interrupted', stale.finishedAt = toString(datetime()),
    stale.message = 'Its process stopped renewing the run lease; the previous results stay in place'`;
const LEASE_RENEW = `
MATCH (l:Lease {name: $lease})
WHERE l.holder = $holder AND l.runId = $runId
SET l.expiresAt = timestamp() + $ttlMs
RETURN count(l) AS n`;
const LEASE_RELEASE = `
MATCH (l:Lease {name: $lease})
WHERE l.holder = $holder AND l.runId = $runId
SET l.holder = null, l.runId = null, l.expiresAt = 0, l.releasedAt = timestamp()`;
const SEQUENCE_LOCK = `
OPTIONAL MATCH (r:AnalyticsRun {status: 'completed'})
WITH max(r.maxCommunityId) AS m
MERGE (s:Sequence {name: $sequence})
ON CREATE SET s.next = coalesce(m, -1) + 1
SET s.lockedBy = $runId`;
const SEQUENCE_READ = `MATCH (s:Sequence {name: $sequence}) RETURN s.next AS next`;
const SEQUENCE_ADVANCE = `MATCH (s:Sequence {name: $sequence}) SET s.next = $next`;
/** Writes the scores; returns the ids whose Customer node is gone (erased since the projection). */
const WRITE_SCORES = `
UNWIND $rows AS row
OPTIONAL MATCH (c:Customer {id: row.id})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | SET c += row.scores)
WITH row WHERE c IS NULL
RETURN collect(row.id) AS gone`;
const WRITE_RESULTS = `
MATCH (run:AnalyticsRun {id: $runId})
CREATE (run)-[:HAS_RESULTS]->(res:RunResults {runId: $runId, createdAt: $createdAt})
SET res += $props
RETURN elementId(res) AS ref`;
/** Results of completed runs beyond the newest $keep, with their blocks. */
const PRUNE = `
MATCH (r:AnalyticsRun {status: 'completed'})
WITH r ORDER BY r.finishedAt DESC
SKIP $keep
MATCH (r)-[:HAS_RESULTS]->(res:RunResults)
OPTIONAL MATCH (res)-[:HAS_BLOCK]->(b:RunResultsBlock)
DETACH DELETE b
WITH DISTINCT res
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
    private readonly blockSize = BLOCK_SIZE,
  ) {}

  async create(run: AnalyticsRun): Promise<void> {
    await this.db.write((tx) => tx.run(CREATE, { id: run.id, props: toProps(run) }));
  }

  async save(run: AnalyticsRun): Promise<boolean> {
    const result = await this.db.write((tx) => tx.run(SAVE, { id: run.id, props: toProps(run) }));
    return (plain(result.records[0]?.get('n') ?? 0) as number) > 0;
  }

  async acquireLease(holder: LeaseHolder): Promise<LeaseClaim> {
    return this.db.write(async (tx) => {
      await tx.run(LEASE_LOCK, { lease: LEASE, holder: holder.holder });
      const current = (await tx.run(LEASE_READ, { lease: LEASE })).records[0];
      const heldBy = current.get('holder') as string | null;
      const runId = current.get('runId') as string | null;
      const expiresAt = plain(current.get('expiresAt')) as number | null;
      const now = plain(current.get('now')) as number;
      const live = heldBy !== null && runId !== null && expiresAt !== null && expiresAt >= now;
      if (live && !(heldBy === holder.holder && runId === holder.runId)) {
        return { acquired: false, holder: heldBy, runId, expiresInMs: expiresAt - now };
      }
      await tx.run(LEASE_TAKE, {
        lease: LEASE,
        holder: holder.holder,
        runId: holder.runId,
        ttlMs: int(holder.ttlMs),
        previousRunId: live ? null : runId,
      });
      return { acquired: true };
    });
  }

  async renewLease(holder: LeaseHolder): Promise<boolean> {
    const result = await this.db.write((tx) => tx.run(LEASE_RENEW, { lease: LEASE, holder: holder.holder, runId: holder.runId, ttlMs: int(holder.ttlMs) }));
    return (plain(result.records[0]?.get('n') ?? 0) as number) > 0;
  }

  async releaseLease(holder: LeaseHolder): Promise<void> {
    await this.db.write((tx) => tx.run(LEASE_RELEASE, { lease: LEASE, holder: holder.holder, runId: holder.runId }));
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
    const result = await this.db.read((tx) => tx.run(MAX_COMMUNITY, { sequence: COMMUNITY_SEQUENCE }));
    const m = plain(result.records[0]?.get('m'));
    const next = plain(result.records[0]?.get('next'));
    return Math.max(typeof m === 'number' ? m : -1, typeof next === 'number' ? next - 1 : -1);
  }

  async previousCommunities(): Promise<Map<string, number>> {
    const result = await this.db.read((tx) => tx.run(PREVIOUS_COMMUNITIES));
    const record = result.records[0];
    const map = new Map<string, number>();
    if (!record) return map;
    const { customerIds, arrays } = await readRunArrays(this.db, record.get('ref') as string, ['community']);
    const communities = arrays.community ?? [];
    customerIds.forEach((id, i) => map.set(id, plain(communities[i]) as number));
    return map;
  }

  async markInterrupted(holder: string): Promise<number> {
    const result = await this.db.write((tx) => tx.run(INTERRUPT, { lease: LEASE, holder }));
    return plain(result.records[0]?.get('n') ?? 0) as number;
  }

  async publish(input: PublishInput): Promise<void> {
    const { run, ids, fields } = input;
    const present = SCORE_FIELDS.filter((f) => fields[f] !== undefined);
    const updatedAt = run.finishedAt ?? new Date().toISOString();
    await this.db.write(async (tx) => {
      const gone: string[] = [];
      if (input.communityIds) {
        await tx.run(SEQUENCE_LOCK, { sequence: COMMUNITY_SEQUENCE, runId: run.id });
        const next = plain((await tx.run(SEQUENCE_READ, { sequence: COMMUNITY_SEQUENCE })).records[0].get('next')) as number;
        const maxUsed = input.communityIds.reserveFrom(next);
        await tx.run(SEQUENCE_ADVANCE, { sequence: COMMUNITY_SEQUENCE, next: int(Math.max(next, maxUsed + 1)) });
      }
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
        const written = await tx.run(WRITE_SCORES, { rows });
        for (const id of (written.records[0]?.get('gone') as string[] | undefined) ?? []) gone.push(id);
        await input.onBatch?.(end, ids.length);
      }
      if (input.cancelled()) throw new RunCancelled('cancelled');
      const saved = await tx.run(SAVE, { id: run.id, props: toProps(run) });
      if ((plain(saved.records[0]?.get('n') ?? 0) as number) === 0) throw new LeaseLost(run.id);
      const props: Record<string, unknown> = {
        fields: present,
        communities: JSON.stringify(input.communities),
        blockSize: int(this.blockSize),
      };
      const arrays: Record<string, unknown[] | undefined> = {
        customerIds: ids,
        participationTier: input.text.participationTier,
        topics: input.text.topics.map((t) => t.join('|')),
      };
      if (input.stance) {
        props.stanceBrandIds = input.stance.brands;
        arrays.stanceClasses = Array.from(input.stance.classes, (c) => int(c));
        arrays.stanceScores = Array.from(input.stance.scores);
        arrays.stanceLatestNps = Array.from(input.stance.latestNps, (c) => int(c));
      }
      // NaN (no value: e.g. engagement rate without posts) is kept as NaN.
      for (const field of present) arrays[field] = Array.from(fields[field]!);
      const ref = (await tx.run(WRITE_RESULTS, { runId: run.id, createdAt: updatedAt, props })).records[0].get('ref') as string;
      await writeBlocks(tx, ref, toBlocks(arrays, ids.length, input.stance?.brands.length ?? 0, this.blockSize));
      // Customers erased while this transaction was writing: their erasure could not see this run.
      await scrubBlocks(tx, ref, gone);
      await tx.run(PRUNE, { keep: int(input.keepRuns) });
      // Fencing, last before commit: the lease is still ours, and stays locked (nobody can take it
      // over) until the commit. Taken last so that a long publication never blocks other callers.
      if (input.lease) {
        const { holder, runId, ttlMs } = input.lease;
        const renewed = await tx.run(LEASE_RENEW, { lease: LEASE, holder, runId, ttlMs: int(ttlMs) });
        if ((plain(renewed.records[0]?.get('n') ?? 0) as number) === 0) throw new LeaseLost(runId);
      }
    });
  }
}
