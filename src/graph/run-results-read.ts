/**
 * Reading a run's kept results back (see run-results.ts for how they are stored), kept apart from
 * the writing side so that a worker thread that only reads them (the projection's) loads neither
 * the score definitions nor their schema library.
 */
import type { GraphDatabase } from './database.js';
import { plain } from './mappers.js';

/** One run's results read back whole: the blocks concatenated in order. */
export interface RunArrays {
  customerIds: string[];
  arrays: Record<string, unknown[]>;
}

const READ_BLOCKS = `
MATCH (res:RunResults) WHERE elementId(res) = $ref
MATCH (res)-[:HAS_BLOCK]->(b:RunResultsBlock)
RETURN b.customerIds AS customerIds, [name IN $names | b[name]] AS arrays
ORDER BY b.index`;

/** Reads the named arrays of a run (by RunResults element id), concatenating its blocks in order; missing arrays are left out. */
export async function readRunArrays(db: GraphDatabase, ref: string, names: readonly string[]): Promise<RunArrays> {
  const customerIds: string[] = [];
  const arrays: Record<string, unknown[]> = {};
  await db.stream(READ_BLOCKS, { ref, names: [...names] }, (r) => {
    const ids = r.customerIds as string[];
    for (let k = 0; k < ids.length; k++) customerIds.push(ids[k]);
    const values = r.arrays as (unknown[] | null)[];
    names.forEach((name, j) => {
      const a = values[j];
      if (!Array.isArray(a)) return;
      const target = (arrays[name] ??= []);
      for (let k = 0; k < a.length; k++) target.push(a[k]);
    });
  });
  return { customerIds, arrays };
}

/** The results of the last completed run that detected communities. */
const PREVIOUS_COMMUNITIES = `
MATCH (r:AnalyticsRun {status: 'completed'})-[:HAS_RESULTS]->(res:RunResults)
WHERE 'community' IN res.fields
RETURN elementId(res) AS ref
ORDER BY r.finishedAt DESC LIMIT 1`;

/** The RunResults (element id) of the last completed run that detected communities, null if none did. */
export async function previousCommunitiesRef(db: GraphDatabase): Promise<string | null> {
  const result = await db.read((tx) => tx.run(PREVIOUS_COMMUNITIES));
  return (result.records[0]?.get('ref') as string | undefined) ?? null;
}

/** Customer id → community in a run's results (by RunResults element id, see previousCommunitiesRef). */
export async function readCommunities(db: GraphDatabase, ref: string): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  const { customerIds, arrays } = await readRunArrays(db, ref, ['community']);
  const communities = arrays.community ?? [];
  customerIds.forEach((id, i) => map.set(id, plain(communities[i]) as number));
  return map;
}
