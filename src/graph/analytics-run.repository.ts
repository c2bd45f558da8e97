/**
 * Analytics runs as (:AnalyticsRun) nodes, and the publication of a run's results in bounded
 * batches, so that Neo4j's transaction memory does not grow with the base:
 *
 * 1. One small transaction reserves the run's fresh community ids (the (:Sequence {name:
 *    'communityId'}) node, advanced under its lock; ids of a run that never completes are simply
 *    never used) and creates the run's (:RunResults {pending: true}) node, attached to nothing.
 * 2. The per-customer results go into (:RunResultsBlock) nodes under it (src/graph/run-results.ts),
 *    a few blocks per transaction. Each batch first locks the customers it holds (an erasure
 *    deletes the customer first, so it either waits for the batch and then scrubs its blocks, or
 *    commits first and the batch finds the customer gone). Readers reach a run's results only
 *    through (:AnalyticsRun {status: 'completed'})-[:HAS_RESULTS]->, so none of this is visible.
 * 3. The flip, one small transaction: the run becomes `completed`, its results are attached with
 *    HAS_RESULTS, customers found gone are scrubbed from its blocks, (:CurrentRun {name:
 *    'analytics'}) points at it, the results of completed runs beyond the kept number are
 *    detached, and the lease is checked and renewed last (fencing: a holder whose lease was taken
 *    over rolls the flip back).
 * 4. The plain score properties on Customer (with `scoresRunId`) are refreshed from the blocks,
 *    server-side, a few blocks per transaction; CurrentRun.refreshedBlocks records the progress
 *    in the same transaction, so a refresh cut short resumes where it stopped (`recoverPublication`,
 *    at start). The Cypher library reads a customer's scores only when `scoresRunId` is the
 *    current run, so an analyst never sees two runs mixed.
 * 5. Results nobody can reach any more (detached by pruning, or left pending by a run that stopped
 *    before its flip) are deleted a few blocks per transaction, after the flip and at start.
 *
 * Memory: each transaction holds at most `batchSize` customers' worth of changes (blocks, or
 * properties), whatever the size of the base; the flip changes a handful of nodes.
 *
 * Across processes, one run at a time is kept by a lease node, (:Lease {name: 'analytics'}), with
 * its holder, run id and expiry in database time (`timestamp()`, so clocks of the processes do not
 * matter). Every lease operation first writes the node, which takes its write lock, and only then
 * reads it: two concurrent takers are serialised and exactly one wins.
 */
import { randomUUID } from 'node:crypto';
import { endianness } from 'node:os';
import type { AnalyticsRun, AnalyticsRunRepository, LeaseClaim, LeaseHolder, PublishInput } from '../domain/analytics-run.service.js';
import { LeaseLost, RunCancelled } from '../domain/analytics-run.service.js';
import { INTEGER_FIELDS, PLAIN_FIELDS, SCORE_FIELDS, STANCE_CLASSES, type ScoreField } from '../domain/scoring.js';
import { scrubCommunities } from './entity.repository.js';
import { int, type GraphDatabase, type Tx } from './database.js';
import { plain } from './mappers.js';
import { BLOCK_SIZE, scrubBlocks, toBlocks, writeBlocks } from './run-results.js';


const LEASE = 'analytics';
/** The name of the (:CurrentRun) pointer node. */
export const CURRENT_RUN = 'analytics';
const COMMUNITY_SEQUENCE = 'communityId';
/** Result blocks sent per write statement of the publication. */
const STATEMENT_BLOCKS = 1;
/** One block through the launcher's procedure (java/neo4j-launcher/…/PublicationProcedures.java), from packedBlock's columns. */
const WRITE_PACKED_BLOCK = `CALL influencegraph.results.block($ref, $block) YIELD customers RETURN customers`;
/** LOCK_CUSTOMERS through the launcher's procedure: the same locks without a write. */
const LOCK_CUSTOMERS_PACKED = `CALL influencegraph.results.lock($ids) YIELD gone RETURN gone`;
const PACKED_WRITES = ['influencegraph.results.block', 'influencegraph.results.lock'];
const HAS_PACKED_WRITES = `SHOW PROCEDURES YIELD name WHERE name IN $names RETURN count(*) AS n`;

/** Little-endian bytes of typed values, in base64. */
const base64Of = (values: Float64Array | Int32Array): string => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');

/** Strings as the procedure's text columns take them: joined, and each one's length (UTF-16 units). */
function textColumn(values: readonly string[]): { text: string; lengths: string } {
  return { text: values.join(''), lengths: base64Of(Int32Array.from(values, (v) => v.length)) };
}

/**
 * The arrays of customers [start, end) as influencegraph.results.block takes them: the same
 * arrays, types and values as slice() gives WRITE_BLOCKS (score fields and stance scores as floats,
 * stance classes and latest NPS answers as integers, ids, tiers and topics as strings).
 */
function packedBlock(input: PublishInput, present: readonly ScoreField[], start: number, end: number, index: number) {
  const floats: Record<string, string> = {};
  for (const field of present) {
    const values = input.fields[field]!.subarray(start, end);
    floats[field] = base64Of(values instanceof Float64Array ? values : Float64Array.from(values));
  }
  const ints: Record<string, string> = {};
  const st = input.stance;
  if (st) {
    const B = st.brands.length;
    floats.stanceScores = base64Of(st.scores.subarray(start * B, end * B));
    ints.stanceClasses = base64Of(Int32Array.from(st.classes.subarray(start * B, end * B)));
    ints.stanceLatestNps = base64Of(Int32Array.from(st.latestNps.subarray(start * B, end * B)));
  }
  const texts: Record<string, { text: string; lengths: string }> = {
    customerIds: textColumn(input.ids.slice(start, end)),
    participationTier: textColumn(input.text.participationTier.slice(start, end)),
    topics: textColumn(input.text.topics.slice(start, end).map((t) => t.join('|'))),
  };
  return { index: int(index), floats, ints, texts };
}

/** Blocks of the sample the publication's warm-up writes (and rolls back). */
const WARM_UP_BLOCKS = 10;

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
/** The run's results, not yet reachable by any reader (no HAS_RESULTS until the flip). */
const CREATE_PENDING = `
CREATE (res:RunResults {runId: $runId, createdAt: $createdAt, pending: true})
SET res += $props
RETURN elementId(res) AS ref`;
/**
 * Locks the customers of a block batch (a no-op write takes the node's write lock, so an erasure
 * in flight and this batch are serialised) and returns the ids whose Customer node is gone.
 */
const LOCK_CUSTOMERS = `
UNWIND $ids AS id
OPTIONAL MATCH (c:Customer {id: id})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | SET c.scoresRunId = c.scoresRunId)
WITH id, c WHERE c IS NULL
RETURN collect(id) AS gone`;
/** Customer ids for the warm-up's lock, in no particular order. */
const SAMPLE_IDS = `MATCH (c:Customer) WHERE c.id IS NOT NULL RETURN c.id AS id LIMIT $limit`;
/** Idempotent, for a flip retried after a commit whose answer was lost. */
const ATTACH = `
MATCH (run:AnalyticsRun {id: $runId})
MATCH (res:RunResults) WHERE elementId(res) = $ref AND res.runId = $runId
MERGE (run)-[:HAS_RESULTS]->(res)
REMOVE res.pending
RETURN res.communities AS communities`;
const SET_COMMUNITIES = `MATCH (res:RunResults) WHERE elementId(res) = $ref SET res.communities = $communities`;
const POINT = `
MERGE (cur:CurrentRun {name: $current})
SET cur.runId = $runId, cur.since = toString(datetime()), cur.blocks = $blocks, cur.refreshedBlocks = 0`;
/** Detaches the results of completed runs beyond the newest $keep; their blocks are deleted after the flip. */
const PRUNE = `
MATCH (r:AnalyticsRun {status: 'completed'})
WITH r ORDER BY r.finishedAt DESC
SKIP $keep
MATCH (r)-[h:HAS_RESULTS]->(:RunResults)
DELETE h
RETURN count(h) AS n`;
/** Results no reader can reach: detached (pruned), or pending for a run that is no longer running. */
const GARBAGE = `
MATCH (res:RunResults)
WHERE NOT EXISTS { (:AnalyticsRun)-[:HAS_RESULTS]->(res) }
  AND NOT EXISTS { MATCH (r:AnalyticsRun {id: res.runId}) WHERE r.status = 'running' }
RETURN elementId(res) AS ref LIMIT 1000`;
const DELETE_BLOCKS = `
MATCH (res:RunResults) WHERE elementId(res) = $ref AND NOT EXISTS { (:AnalyticsRun)-[:HAS_RESULTS]->(res) }
MATCH (res)-[:HAS_BLOCK]->(b:RunResultsBlock)
WITH b LIMIT $limit
DETACH DELETE b
RETURN count(*) AS n`;
const DELETE_RESULTS = `
MATCH (res:RunResults) WHERE elementId(res) = $ref AND NOT EXISTS { (res)-[:HAS_BLOCK]->() }
  AND NOT EXISTS { (:AnalyticsRun)-[:HAS_RESULTS]->(res) }
DETACH DELETE res`;
/** Databases from before the pointer: the latest completed run is current, its properties already written whole. */
const POINTER_MIGRATION = `
MATCH (r:AnalyticsRun {status: 'completed'})-[:HAS_RESULTS]->(res:RunResults)
WHERE NOT EXISTS { (:CurrentRun {name: $current}) }
WITH r, res ORDER BY r.finishedAt DESC LIMIT 1
WITH r, COUNT { (res)-[:HAS_BLOCK]->() } AS blocks
MERGE (cur:CurrentRun {name: $current})
ON CREATE SET cur.runId = r.id, cur.since = toString(datetime()), cur.blocks = blocks, cur.refreshedBlocks = blocks`;
const CURRENT = `MATCH (cur:CurrentRun {name: $current}) RETURN cur.runId AS runId, cur.blocks AS blocks, cur.refreshedBlocks AS refreshed`;
/** Claims the next refresh batch; false when another run has been made current (or another process took the batch). */
const CLAIM_REFRESH = `
MATCH (cur:CurrentRun {name: $current})
WHERE cur.runId = $runId AND cur.refreshedBlocks = $from
SET cur.refreshedBlocks = $to
RETURN count(cur) AS n`;
const finite = (x: string) => `CASE WHEN ${x} IS NULL OR isNaN(${x}) OR abs(${x}) = $inf THEN null ELSE ${x} END`;
/**
 * Writes the plain properties of the customers of blocks [$from, $to) of the current run, from its
 * blocks. Each block's arrays are read once into the row (an array property indexed per customer
 * would be read from the store once per customer).
 */
const REFRESH = `
MATCH (:AnalyticsRun {id: $runId})-[:HAS_RESULTS]->(res:RunResults)
WITH res, coalesce(size(res.stanceBrandIds), 0) AS n
MATCH (res)-[:HAS_BLOCK]->(b:RunResultsBlock)
WHERE $from <= b.index < $to
WITH n, b.customerIds AS ids, b.stanceClasses AS stance,
${PLAIN_FIELDS.map((f) => `     b.${f} AS a_${f}`).join(',\n')}
UNWIND range(0, size(ids) - 1) AS i
MATCH (c:Customer {id: ids[i]})
SET c.scoresRunId = $runId,
    c.stance = CASE WHEN n > 0 THEN $classes[stance[i * n]] ELSE null END,
${PLAIN_FIELDS.map((f) => `    c.${f} = ${INTEGER_FIELDS.has(f) ? `toInteger(${finite(`a_${f}[i]`)})` : finite(`a_${f}[i]`)}`).join(',\n')}
RETURN count(c) AS n`;

/** Stages of a publication, reported to the `onStage` option (tests pause there). */
export type PublishStage = 'blocks' | 'before-flip' | 'after-flip' | 'refresh';

export interface PublicationOptions {
  /** Customers per transaction for the result blocks and the property refresh (rounded to whole blocks). */
  batchSize?: number;
  /** Customers per result block. */
  blockSize?: number;
  /** 'cypher' writes the result blocks with Cypher even where the launcher's procedure is there (tests compare the two). */
  writes?: 'auto' | 'cypher';
  /** Awaited at each stage: after each block batch, before and after the flip, after each refresh batch. */
  onStage?: (stage: PublishStage, done: number, total: number) => void | Promise<void>;
}

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

export class Neo4jAnalyticsRunRepository implements AnalyticsRunRepository {
  private packedWrites?: Promise<boolean>;

  constructor(
    private readonly db: GraphDatabase,
    private readonly batchSize = 10_000,
    private readonly blockSize = BLOCK_SIZE,
    private readonly options: Omit<PublicationOptions, 'batchSize' | 'blockSize'> = {},
  ) {}

  /** Blocks per transaction: `batchSize` customers, rounded to whole blocks. */
  private get blocksPerBatch(): number {
    return Math.max(1, Math.round(this.batchSize / this.blockSize));
  }

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

  async markInterrupted(holder: string): Promise<number> {
    const result = await this.db.write((tx) => tx.run(INTERRUPT, { lease: LEASE, holder }));
    return plain(result.records[0]?.get('n') ?? 0) as number;
  }

  async publish(input: PublishInput): Promise<void> {
    const { run, ids, fields } = input;
    const stage = this.options.onStage ?? (() => undefined);
    const present = SCORE_FIELDS.filter((f) => fields[f] !== undefined);
    const createdAt = run.finishedAt ?? new Date().toISOString();
    // Leftovers of runs that stopped before their flip.
    await this.collectGarbage();
    if (input.cancelled()) throw new RunCancelled('cancelled');

    // 1. Fresh community ids, then the run's results node, invisible until the flip.
    const ref = await this.db.write(async (tx) => {
      if (input.communityIds) {
        await tx.run(SEQUENCE_LOCK, { sequence: COMMUNITY_SEQUENCE, runId: run.id });
        const next = plain((await tx.run(SEQUENCE_READ, { sequence: COMMUNITY_SEQUENCE })).records[0].get('next')) as number;
        const maxUsed = input.communityIds.reserveFrom(next);
        await tx.run(SEQUENCE_ADVANCE, { sequence: COMMUNITY_SEQUENCE, next: int(Math.max(next, maxUsed + 1)) });
      }
      const props: Record<string, unknown> = {
        fields: present,
        communities: JSON.stringify(input.communities),
        blockSize: int(this.blockSize),
      };
      if (input.stance) props.stanceBrandIds = input.stance.brands;
      return (await tx.run(CREATE_PENDING, { runId: run.id, createdAt, props })).records[0].get('ref') as string;
    });

    const gone: string[] = [];
    const n = ids.length;
    const blockCount = Math.ceil(n / this.blockSize);
    try {
      // 2. The blocks, a few per transaction.
      const packed = await this.canWritePacked();
      const customers = this.blocksPerBatch * this.blockSize;
      for (let start = 0; start < n; start += customers) {
        if (input.cancelled()) throw new RunCancelled('cancelled');
        const end = Math.min(n, start + customers);
        await this.db.write(async (tx) => {
          const found = await tx.run(packed ? LOCK_CUSTOMERS_PACKED : LOCK_CUSTOMERS, { ids: ids.slice(start, end) });
          const missing = (found.records[0]?.get('gone') as string[] | undefined) ?? [];
          await this.writeRange(tx, ref, input, present, start, end, packed);
          // Kept for the flip (a retried transaction reports the same ids again: deduplicated there).
          for (const id of missing) gone.push(id);
        });
        await input.onBatch?.(end, n);
        await stage('blocks', end, n);
      }
      if (input.cancelled()) throw new RunCancelled('cancelled');
      await stage('before-flip', n, n);

      // 3. The flip.
      await this.db.write(async (tx) => {
        const saved = await tx.run(SAVE, { id: run.id, props: toProps(run) });
        if ((plain(saved.records[0]?.get('n') ?? 0) as number) === 0) throw new LeaseLost(run.id);
        const attached = (await tx.run(ATTACH, { runId: run.id, ref })).records[0];
        if (!attached) throw new Error(`the results of run '${run.id}' are gone before their publication`);
        // Customers erased while the blocks were written: their erasure could not see this run.
        const erased = [...new Set(gone)];
        if (erased.length > 0) {
          await scrubBlocks(tx, ref, erased);
          let communities = attached.get('communities') as string;
          for (const id of erased) communities = scrubCommunities(communities, id) ?? communities;
          await tx.run(SET_COMMUNITIES, { ref, communities });
        }
        await tx.run(POINT, { current: CURRENT_RUN, runId: run.id, blocks: int(blockCount) });
        await tx.run(PRUNE, { keep: int(input.keepRuns) });
        // Fencing, last before commit: the lease is still ours, and stays locked (nobody can take it
        // over) until the commit.
        if (input.lease) {
          const { holder, runId, ttlMs } = input.lease;
          const renewed = await tx.run(LEASE_RENEW, { lease: LEASE, holder, runId, ttlMs: int(ttlMs) });
          if ((plain(renewed.records[0]?.get('n') ?? 0) as number) === 0) throw new LeaseLost(runId);
        }
      });
    } catch (error) {
      // Nothing of the run is visible; its results are removed now if the database allows, else
      // by the next run or the next start.
      await this.deleteResults(ref).catch(() => undefined);
      throw error;
    }
    input.onFlipped?.();
    await stage('after-flip', 0, blockCount);

    // 4. The plain properties (to the end even if the run is cancelled now: it is current already),
    // then 5. the results pruned by the flip.
    await this.refreshProperties(run.id, 0, blockCount);
    await this.collectGarbage();
  }

  /**
   * Writes the blocks of customers [start, end) (whole blocks from `start`, a multiple of the block
   * size) in `tx`, a block per statement: through the launcher's procedure from packed columns when
   * `packed`, else with Cypher (WRITE_BLOCKS). Each statement's rows are built just before it is
   * sent, so that the service's thread never packs a whole batch in one go (tens of ms at 10k
   * customers).
   */
  private async writeRange(tx: Tx, ref: string, input: PublishInput, present: readonly ScoreField[], start: number, end: number, packed: boolean): Promise<void> {
    const brands = input.stance?.brands.length ?? 0;
    for (let from = start; from < end; from += STATEMENT_BLOCKS * this.blockSize) {
      const to = Math.min(end, from + STATEMENT_BLOCKS * this.blockSize);
      if (packed) {
        for (let at = from; at < to; at += this.blockSize) {
          const block = packedBlock(input, present, at, Math.min(to, at + this.blockSize), at / this.blockSize);
          await tx.run(WRITE_PACKED_BLOCK, { ref, block });
          // The driver keeps the parameters until the transaction ends: the columns are dropped now (as writeBlocks does).
          block.floats = block.ints = block.texts = {};
        }
        continue;
      }
      const blocks = toBlocks(this.slice(input, present, from, to), to - from, brands, this.blockSize).map((b) => ({
        ...b,
        index: b.index + from / this.blockSize,
      }));
      await writeBlocks(tx, ref, blocks, STATEMENT_BLOCKS);
    }
  }

  /**
   * Whether this database has the launcher's publication procedures (influencegraph.results.block
   * and .lock), asked once; any other Neo4j (or a big-endian machine, the columns being
   * little-endian) is written with Cypher, as is every database when `writes` is 'cypher'.
   */
  canWritePacked(): Promise<boolean> {
    this.packedWrites ??=
      endianness() !== 'LE' || this.options.writes === 'cypher'
        ? Promise.resolve(false)
        : this.db
            .read((tx) => tx.run(HAS_PACKED_WRITES, { names: PACKED_WRITES }))
            .then((r) => (plain(r.records[0]?.get('n') ?? 0) as number) === PACKED_WRITES.length)
            .catch(() => false);
    return this.packedWrites;
  }

  /** The run's per-customer arrays for customers [start, end). */
  private slice(input: PublishInput, present: readonly ScoreField[], start: number, end: number): Record<string, unknown[] | undefined> {
    const arrays: Record<string, unknown[] | undefined> = {
      customerIds: input.ids.slice(start, end),
      participationTier: input.text.participationTier.slice(start, end),
      topics: input.text.topics.slice(start, end).map((t) => t.join('|')),
    };
    const st = input.stance;
    if (st) {
      const B = st.brands.length;
      arrays.stanceClasses = Array.from(st.classes.subarray(start * B, end * B), (c) => int(c));
      arrays.stanceScores = Array.from(st.scores.subarray(start * B, end * B));
      arrays.stanceLatestNps = Array.from(st.latestNps.subarray(start * B, end * B), (c) => int(c));
    }
    // NaN (no value: e.g. engagement rate without posts) is kept as NaN.
    for (const field of present) arrays[field] = Array.from(input.fields[field]!.subarray(start, end));
    return arrays;
  }

  /**
   * Writes the plain score properties of the current run's customers from its blocks, blocks
   * [from, to) a batch per transaction. Stops when another run has been made current.
   */
  private async refreshProperties(runId: string, from: number, to: number): Promise<void> {
    const stage = this.options.onStage ?? (() => undefined);
    for (let start = from; start < to; start += this.blocksPerBatch) {
      const end = Math.min(to, start + this.blocksPerBatch);
      const claimed = await this.db.write(async (tx) => {
        const claim = await tx.run(CLAIM_REFRESH, { current: CURRENT_RUN, runId, from: int(start), to: int(end) });
        if ((plain(claim.records[0]?.get('n') ?? 0) as number) === 0) return false;
        await tx.run(REFRESH, { runId, from: int(start), to: int(end), classes: [...STANCE_CLASSES], inf: Infinity });
        return true;
      });
      if (!claimed) return;
      await stage('refresh', end, to);
    }
  }

  /** Deletes the results of a run that never became current, a batch of blocks per transaction. */
  private async deleteResults(ref: string): Promise<void> {
    const limit = int(Math.max(1, this.blocksPerBatch * 2));
    for (;;) {
      const deleted = await this.db.write((tx) => tx.run(DELETE_BLOCKS, { ref, limit }));
      if ((plain(deleted.records[0]?.get('n') ?? 0) as number) === 0) break;
    }
    await this.db.write((tx) => tx.run(DELETE_RESULTS, { ref }));
  }

  /** Deletes results no reader can reach (pruned runs, runs stopped before their flip). Returns how many. */
  async collectGarbage(): Promise<number> {
    const refs = (await this.db.read((tx) => tx.run(GARBAGE))).records.map((r) => r.get('ref') as string);
    for (const ref of refs) await this.deleteResults(ref);
    return refs.length;
  }

  /**
   * Runs the publication's statements the way a run does, in one write transaction that is rolled
   * back, so that nothing of it is ever visible or kept: a results node, the customer lock on a
   * sample of up to 1,000 customers, WARM_UP_BLOCKS blocks of that sample (every array a run writes,
   * with zeros), the flip's attachment to a run node of its own and the property refresh of those
   * blocks. The first publication after a start otherwise pays for the database compiling the code
   * that serves these writes: at 100k customers its blocks took 7.5 s where the next ones took
   * 3.1–3.9 s, with 33 s of Neo4j CPU instead of 8.5–12 (writing nothing, as this warm-up did
   * before, left most of it; a throw-away script timing each statement, 2026-12-02, README
   * "Analytics runs").
   */
  async warmUp(): Promise<void> {
    const sample = (await this.db.read((tx) => tx.run(SAMPLE_IDS, { limit: int(this.blockSize) }))).records.map((r) => r.get('id') as string);
    if (sample.length === 0) return;
    const runId = `warm-up-${randomUUID()}`;
    const ids = Array.from({ length: WARM_UP_BLOCKS * sample.length }, (_, i) => sample[i % sample.length]);
    const n = ids.length;
    const fields = Object.fromEntries(SCORE_FIELDS.map((f) => [f, new Float64Array(n)]));
    const brands = ['warm-up'];
    const input = {
      ids,
      fields,
      text: { participationTier: ids.map(() => 'lurker' as const), topics: ids.map(() => ['warm-up']) },
      stance: { brands, classes: new Int8Array(n), scores: new Float64Array(n), latestNps: new Int8Array(n).fill(-1) },
    } as unknown as PublishInput;
    const rollBack = new Error('warm-up: rolled back');
    const packed = await this.canWritePacked();
    try {
      await this.db.write(async (tx) => {
        await tx.run(CREATE, { id: runId, props: { status: 'completed' } });
        const ref = (await tx.run(CREATE_PENDING, { runId, createdAt: new Date().toISOString(), props: { stanceBrandIds: brands } })).records[0].get('ref') as string;
        await tx.run(packed ? LOCK_CUSTOMERS_PACKED : LOCK_CUSTOMERS, { ids: sample });
        await this.writeRange(tx, ref, input, SCORE_FIELDS, 0, n, packed);
        await tx.run(ATTACH, { runId, ref });
        await tx.run(REFRESH, { runId, from: int(0), to: int(WARM_UP_BLOCKS), classes: [...STANCE_CLASSES], inf: Infinity });
        throw rollBack;
      });
    } catch (error) {
      // The database layer wraps what the work throws.
      if (error !== rollBack && (error as Error).cause !== rollBack) throw error;
    }
  }

  /**
   * At start: points CurrentRun at the latest completed run in a database from before it, removes
   * results no reader can reach, and finishes a property refresh that a stop cut short.
   */
  async recoverPublication(): Promise<void> {
    await this.db.write((tx) => tx.run(POINTER_MIGRATION, { current: CURRENT_RUN }));
    await this.collectGarbage();
    const current = (await this.db.read((tx) => tx.run(CURRENT, { current: CURRENT_RUN }))).records[0];
    if (!current) return;
    const blocks = plain(current.get('blocks')) as number;
    const refreshed = plain(current.get('refreshed')) as number;
    if (refreshed < blocks) await this.refreshProperties(current.get('runId') as string, refreshed, blocks);
  }
}
