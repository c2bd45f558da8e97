/**
 * The kept per-customer results of each completed run, stored in blocks:
 * (:AnalyticsRun)-[:HAS_RESULTS]->(:RunResults)-[:HAS_BLOCK]->(:RunResultsBlock).
 *
 * RunResults holds what concerns the whole run (fields computed, stance brand ids, community
 * summaries JSON, createdAt); each RunResultsBlock holds up to BLOCK_SIZE consecutive customers of
 * the run (in the projection's id order): their ids, one array per score field, tiers, topics and
 * the stance arrays (customer-major, stanceBrandIds.length entries per customer), plus the smallest
 * and largest id of the block (firstId, lastId). The range index on (runId, firstId) finds the
 * block(s) of a customer with an index seek, so erasing one customer rewrites one block of at most
 * BLOCK_SIZE entries per run instead of whole-run arrays: O(runs × BLOCK_SIZE) per erasure.
 *
 * Older databases kept every array on RunResults itself; `migrateRunResults` converts them to
 * blocks at start, one run per transaction.
 */
import { SCORE_FIELDS } from '../domain/scoring.js';
import { int, type GraphDatabase, type Tx } from './database.js';
import { plain } from './mappers.js';

export { previousCommunitiesRef, readCommunities, readRunArrays, type RunArrays } from './run-results-read.js';

/** Customers per block: a block's arrays are rewritten whole when one of its customers is erased. */
export const BLOCK_SIZE = 1_000;

/** Every per-customer array of a run's kept results, aligned with customerIds (one entry per customer). */
export const RUN_ARRAYS = [...SCORE_FIELDS, 'participationTier', 'topics'] as const;
/** The stance arrays: customer-major slices of stanceBrandIds.length entries per customer. */
export const RUN_STANCE_ARRAYS = ['stanceClasses', 'stanceScores', 'stanceLatestNps'] as const;
const ALL_ARRAYS = ['customerIds', ...RUN_ARRAYS, ...RUN_STANCE_ARRAYS] as const;

/** One block to write: its position in the run and its arrays (customerIds first). */
export interface BlockRows {
  index: number;
  arrays: Record<string, unknown[]>;
}

/**
 * Cuts whole-run arrays into blocks of BLOCK_SIZE customers (stance arrays by `brands` entries per
 * customer). Arrays absent from `arrays` stay absent from every block.
 */
export function toBlocks(arrays: Record<string, unknown[] | undefined>, n: number, brands: number, blockSize = BLOCK_SIZE): BlockRows[] {
  const blocks: BlockRows[] = [];
  for (let start = 0, index = 0; start < n; start += blockSize, index++) {
    const end = Math.min(n, start + blockSize);
    const out: Record<string, unknown[]> = {};
    for (const name of ALL_ARRAYS) {
      const a = arrays[name];
      if (!Array.isArray(a)) continue;
      const stance = (RUN_STANCE_ARRAYS as readonly string[]).includes(name);
      out[name] = stance ? a.slice(start * brands, end * brands) : a.slice(start, end);
    }
    blocks.push({ index, arrays: out });
  }
  return blocks;
}

/** Creates blocks under the run's RunResults; firstId/lastId are the block's smallest and largest id in Cypher's order. */
const WRITE_BLOCKS = `
MATCH (res:RunResults) WHERE elementId(res) = $ref
UNWIND $blocks AS block
CREATE (res)-[:HAS_BLOCK]->(b:RunResultsBlock {runId: res.runId, index: block.index})
SET b += block.arrays
WITH b, block.arrays.customerIds AS ids
SET b.firstId = reduce(m = ids[0], x IN ids | CASE WHEN x < m THEN x ELSE m END),
    b.lastId = reduce(m = ids[0], x IN ids | CASE WHEN x > m THEN x ELSE m END)`;

/**
 * Writes a run's blocks in the given transaction, `perStatement` blocks per UNWIND. Two blocks
 * (2,000 customers) per statement keep the driver's packing of each statement's parameters, which
 * runs on the service's event loop, to a few milliseconds between requests.
 *
 * The driver keeps every statement's parameters until the transaction ends (a transaction holds
 * its results, a result its parameters), long enough for them to reach V8's old generation: at 1M
 * customers that was garbage growing by about 13 MB/s through the publication, 350 MB of the
 * service's peak between two full collections. So a statement's blocks are dropped from its
 * parameters once it has run.
 */
export async function writeBlocks(tx: Tx, ref: string, blocks: BlockRows[], perStatement = 2): Promise<void> {
  for (let i = 0; i < blocks.length; i += perStatement) {
    const batch = blocks.slice(i, i + perStatement).map((b) => ({ index: int(b.index), arrays: b.arrays }));
    await tx.run(WRITE_BLOCKS, { ref, blocks: batch });
    batch.length = 0;
  }
}

/**
 * Removes the given customer ids from one run's blocks (used by the publication for customers
 * erased while it was writing). Returns how many entries were removed.
 */
const SCRUB_RUN_BLOCKS = `
MATCH (res:RunResults) WHERE elementId(res) = $ref
WITH res, coalesce(size(res.stanceBrandIds), 0) AS n
MATCH (res)-[:HAS_BLOCK]->(b:RunResultsBlock)
WITH b, n, b.customerIds AS ids
WITH b, n, ids, [k IN range(0, size(ids) - 1) WHERE ids[k] IN $gone] AS drop
WHERE size(drop) > 0
WITH b, n, ids, drop,
${[...RUN_ARRAYS, ...RUN_STANCE_ARRAYS].map((f) => `     b.${f} AS a_${f}`).join(',\n')}
SET b.customerIds = [x IN range(0, size(ids) - 1) WHERE NOT x IN drop | ids[x]],
${RUN_ARRAYS.map((f) => `    b.${f} = CASE WHEN a_${f} IS NULL THEN null ELSE [x IN range(0, size(a_${f}) - 1) WHERE NOT x IN drop | a_${f}[x]] END`).join(',\n')},
${RUN_STANCE_ARRAYS.map((f) => `    b.${f} = CASE WHEN a_${f} IS NULL THEN null ELSE [x IN range(0, size(a_${f}) - 1) WHERE NOT x / n IN drop | a_${f}[x]] END`).join(',\n')}
RETURN sum(size(drop)) AS removed`;

export async function scrubBlocks(tx: Tx, ref: string, gone: string[]): Promise<number> {
  if (gone.length === 0) return 0;
  const result = await tx.run(SCRUB_RUN_BLOCKS, { ref, gone });
  return (plain(result.records[0]?.get('removed') ?? 0) as number) ?? 0;
}

/**
 * The blocks of every kept run that may hold the customer: an index seek on (runId, firstId) per
 * run, then lastId and membership. Exported for the plan check in the tests.
 */
export const BLOCKS_OF_CUSTOMER = `
MATCH (res:RunResults)
CALL (res) {
  MATCH (b:RunResultsBlock)
  WHERE b.runId = res.runId AND b.firstId <= $id
  WITH b WHERE b.lastId >= $id
  RETURN b
}`;

/**
 * Removes the customer from every kept run's blocks, in the caller's transaction: each block that
 * holds them has each array read once and rebuilt from two slices around their position.
 * Returns the number of runs whose blocks held them.
 */
const ERASE_FROM_BLOCKS = `${BLOCKS_OF_CUSTOMER}
WITH res, b, b.customerIds AS ids
WITH res, b, ids, [k IN range(0, size(ids) - 1) WHERE ids[k] = $id][0] AS i
WHERE i IS NOT NULL
WITH res, b, ids, i, coalesce(size(res.stanceBrandIds), 0) AS n,
${[...RUN_ARRAYS, ...RUN_STANCE_ARRAYS].map((f) => `     b.${f} AS a_${f}`).join(',\n')}
SET b.customerIds = ids[..i] + ids[i + 1..],
${RUN_ARRAYS.map((f) => `    b.${f} = a_${f}[..i] + a_${f}[i + 1..]`).join(',\n')},
${RUN_STANCE_ARRAYS.map((f) => `    b.${f} = a_${f}[..i * n] + a_${f}[(i + 1) * n..]`).join(',\n')}
RETURN count(DISTINCT res) AS runs`;

export async function eraseFromBlocks(tx: Tx, id: string): Promise<number> {
  const result = await tx.run(ERASE_FROM_BLOCKS, { id });
  return (plain(result.records[0]?.get('runs') ?? 0) as number) ?? 0;
}

/** Old-shape results: arrays on RunResults itself and no blocks. */
const OLD_SHAPE = `
MATCH (res:RunResults)
WHERE res.customerIds IS NOT NULL AND NOT (res)-[:HAS_BLOCK]->()
RETURN elementId(res) AS ref`;

const READ_OLD = `
MATCH (res:RunResults) WHERE elementId(res) = $ref
RETURN res.customerIds AS customerIds, coalesce(size(res.stanceBrandIds), 0) AS brands,
       [name IN $names | res[name]] AS arrays`;

const DROP_OLD_ARRAYS = `
MATCH (res:RunResults) WHERE elementId(res) = $ref
SET ${ALL_ARRAYS.map((f) => `res.${f} = null`).join(', ')}`;

/**
 * Converts every old-shape RunResults to blocks, one run per transaction (the arrays move from
 * the node to its blocks, so a run is never half converted). Returns the number of runs converted.
 */
export async function migrateRunResults(db: GraphDatabase, blockSize = BLOCK_SIZE): Promise<number> {
  const refs = (await db.read((tx) => tx.run(OLD_SHAPE))).records.map((r) => r.get('ref') as string);
  const names = [...RUN_ARRAYS, ...RUN_STANCE_ARRAYS];
  for (const ref of refs) {
    await db.write(async (tx) => {
      const record = (await tx.run(READ_OLD, { ref, names })).records[0];
      if (!record || record.get('customerIds') === null) return;
      const ids = record.get('customerIds') as string[];
      const brands = plain(record.get('brands')) as number;
      const arrays: Record<string, unknown[] | undefined> = { customerIds: ids };
      (record.get('arrays') as (unknown[] | null)[]).forEach((a, j) => {
        if (Array.isArray(a)) arrays[names[j]] = a;
      });
      await writeBlocks(tx, ref, toBlocks(arrays, ids.length, brands, blockSize));
      await tx.run(DROP_OLD_ARRAYS, { ref });
    });
  }
  return refs.length;
}
