/**
 * Kept run results in blocks (src/graph/run-results.ts) on the real test database: publication in
 * blocks, erasure from every block of every kept run (arrays stay aligned), an erasure landing
 * while a publication writes, conversion of old-shape results, and the index seek that finds a
 * customer's block. Blocks of 4 customers so that ten customers span three blocks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnalyticsRun, PublishInput } from '../../src/domain/analytics-run.service.js';
import type { CommunitySummary } from '../../src/domain/scoring.js';
import { Neo4jAnalyticsRunRepository } from '../../src/graph/analytics-run.repository.js';
import { Neo4jEntityRepository } from '../../src/graph/entity.repository.js';
import { plain } from '../../src/graph/mappers.js';
import { BLOCKS_OF_CUSTOMER, migrateRunResults, previousCommunitiesRef, readCommunities, readRunArrays, RUN_ARRAYS, RUN_STANCE_ARRAYS } from '../../src/graph/run-results.js';
import { clearDatabase, createTestApp, runScores, type TestContext } from './helpers.js';

const BLOCK = 4;
const IDS = Array.from({ length: 10 }, (_, i) => `c${String(i).padStart(2, '0')}`);
const BRANDS = ['b1', 'b2'];

function input(runId: string, seed: number, over: Partial<PublishInput> = {}): PublishInput {
  const n = IDS.length;
  const run: AnalyticsRun = {
    id: runId,
    status: 'completed',
    params: {} as AnalyticsRun['params'],
    startedAt: new Date(Date.UTC(2026, 0, 1, seed)).toISOString(),
    finishedAt: new Date(Date.UTC(2026, 0, 1, seed, 30)).toISOString(),
    progress: 1,
    phases: [],
    summary: {},
  };
  const communities: CommunitySummary[] = [{ id: 0, size: 5, topMembers: ['c05', 'c01'] } as unknown as CommunitySummary];
  return {
    run,
    ids: IDS,
    fields: {
      pagerank: Float64Array.from(IDS, (_, i) => seed + i / 100),
      community: Int32Array.from(IDS, (_, i) => i % 3),
    },
    text: { participationTier: IDS.map(() => 'lurker'), topics: IDS.map((_, i) => [`t${i}`]) } as PublishInput['text'],
    stance: {
      brands: BRANDS,
      classes: Int8Array.from({ length: n * BRANDS.length }, (_, k) => k % 4),
      scores: Float64Array.from({ length: n * BRANDS.length }, (_, k) => k / 10),
      confidence: new Float64Array(n * BRANDS.length),
      latestNps: Int8Array.from({ length: n * BRANDS.length }, (_, k) => (k % 11) - 1),
      positive: new Int32Array(n * BRANDS.length),
      negative: new Int32Array(n * BRANDS.length),
    } as unknown as PublishInput['stance'],
    communities,
    keepRuns: 5,
    cancelled: () => false,
    ...over,
  };
}

describe('run results in blocks', () => {
  let ctx: TestContext;
  let runs: Neo4jAnalyticsRunRepository;
  let entities: Neo4jEntityRepository;

  async function publish(runId: string, seed: number, over: Partial<PublishInput> = {}) {
    const data = input(runId, seed, over);
    await runs.create({ ...data.run, status: 'running' });
    await runs.publish(data);
  }

  /** Every block: its run, ids and array sizes. */
  async function blocks() {
    const result = await ctx.db.autoCommit(
      `MATCH (res:RunResults)-[:HAS_BLOCK]->(b:RunResultsBlock)
       RETURN res.runId AS runId, b.index AS index, b.firstId AS firstId, b.lastId AS lastId, b.customerIds AS ids,
              size(res.stanceBrandIds) AS brands, [f IN $arrays | size(b[f])] AS sizes, [f IN $stance | size(b[f])] AS stanceSizes
       ORDER BY runId, index`,
      { arrays: [...RUN_ARRAYS], stance: [...RUN_STANCE_ARRAYS] },
    );
    return result.records.map((r) => plain(r.toObject()) as { runId: string; index: number; firstId: string; lastId: string; ids: string[]; brands: number; sizes: (number | null)[]; stanceSizes: number[] });
  }

  function expectAligned(all: Awaited<ReturnType<typeof blocks>>) {
    for (const b of all) {
      for (const size of b.sizes) if (size !== null) expect(size).toBe(b.ids.length);
      for (const size of b.stanceSizes) expect(size).toBe(b.ids.length * b.brands);
    }
  }

  beforeAll(async () => {
    ctx = await createTestApp();
    runs = new Neo4jAnalyticsRunRepository(ctx.db, 5, BLOCK);
    entities = new Neo4jEntityRepository(ctx.db);
  });

  beforeEach(async () => {
    await clearDatabase(ctx.db);
    await ctx.db.autoCommit('UNWIND $ids AS id CREATE (:Customer {id: id, name: id})', { ids: IDS });
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('publishes a run in blocks of consecutive customers that read back whole', async () => {
    await publish('r1', 1);
    const all = await blocks();
    expect(all.map((b) => [b.index, b.firstId, b.lastId, b.ids.length])).toEqual([
      [0, 'c00', 'c03', 4],
      [1, 'c04', 'c07', 4],
      [2, 'c08', 'c09', 2],
    ]);
    expectAligned(all);
    const pagerank = await runScores(ctx, 'pagerank');
    expect([...pagerank.keys()]).toEqual(IDS);
    expect(pagerank.get('c07')).toBeCloseTo(1.07);
    expect([...(await readCommunities(ctx.db, (await previousCommunitiesRef(ctx.db))!)).entries()]).toEqual(IDS.map((id, i) => [id, i % 3]));
    const ref = (await ctx.db.autoCommit('MATCH (res:RunResults) RETURN elementId(res) AS ref')).records[0].get('ref') as string;
    const kept = await readRunArrays(ctx.db, ref, ['stanceScores', 'topics']);
    expect(kept.customerIds).toEqual(IDS);
    expect(kept.arrays.stanceScores).toHaveLength(IDS.length * BRANDS.length);
    expect(kept.arrays.topics![9]).toBe('t9');
  });

  it('writes the same blocks through the launcher’s procedure as with Cypher: properties, values and types', async () => {
    const byCypher = new Neo4jAnalyticsRunRepository(ctx.db, 5, BLOCK, { writes: 'cypher' });
    expect(await runs.canWritePacked()).toBe(true);
    expect(await byCypher.canWritePacked()).toBe(false);
    const stored = async (runId: string) => {
      const result = await ctx.db.autoCommit(
        `MATCH (:AnalyticsRun {id: $runId})-[:HAS_RESULTS]->(:RunResults)-[:HAS_BLOCK]->(b:RunResultsBlock)
         RETURN b.index AS index, [k IN keys(b) WHERE k <> 'runId' | [k, b[k], valueType(b[k])]] AS props ORDER BY index`,
        { runId },
      );
      return result.records.map((r) => (plain(r.get('props')) as [string, unknown, string][]).sort((a, b) => a[0].localeCompare(b[0])));
    };
    const data = input('packed', 1);
    data.fields.closeness = Float64Array.from(IDS, (_, i) => (i === 1 ? NaN : i / 7));
    // Ids that Cypher and UTF-16 order differently (U+FF01 before U+1F680 by code point, after it by UTF-16 unit) in one block.
    // …and one without a Customer node: found gone by the lock, scrubbed from the blocks at the flip.
    data.ids = [...IDS.slice(0, 5), 'c05-gone', ...IDS.slice(6, 8), 'c\uFF01', 'c\u{1F680}'];
    await ctx.db.autoCommit('UNWIND $ids AS id CREATE (:Customer {id: id, name: id})', { ids: data.ids.slice(8) });
    await runs.create({ ...data.run, status: 'running' });
    await runs.publish(data);
    const other = { ...data, run: { ...data.run, id: 'cypher' } };
    await byCypher.create({ ...other.run, status: 'running' });
    await byCypher.publish(other);
    const packed = await stored('packed');
    expect(packed).toHaveLength(3);
    expect(JSON.stringify(packed)).not.toContain('c05-gone');
    expect(packed).toEqual(await stored('cypher'));
  });

  it('the publication warm-up writes blocks and refreshes properties in a transaction it rolls back: nothing changes', async () => {
    await publish('r1', 1);
    const snapshot = () =>
      ctx.db.autoCommit(
        `CALL { MATCH (n) RETURN count(n) AS nodes } CALL { MATCH ()-[r]->() RETURN count(r) AS rels }
         CALL { MATCH (c:Customer) RETURN collect([c.id, c.scoresRunId, c.pagerank, c.stance]) AS customers }
         RETURN nodes, rels, customers`,
      );
    const before = (await snapshot()).records[0].toObject();
    await runs.warmUp();
    expect((await snapshot()).records[0].toObject()).toEqual(before);
    expect(await blocks()).toHaveLength(3);
  });

  it('erasure removes the customer from every block of every kept run, keeps arrays aligned and other values in place', async () => {
    for (const [k, id] of ['r1', 'r2', 'r3'].entries()) await publish(id, k + 1);
    const before = await entities.exportCustomer('c06');
    expect(before!.scoreHistory).toHaveLength(3);

    expect(await entities.eraseCustomer('c05')).toEqual({ erased: true, content: 0, scores: 3 });

    const all = await blocks();
    expect(all).toHaveLength(9);
    for (const b of all) expect(b.ids).not.toContain('c05');
    expectAligned(all);
    expect(all.filter((b) => b.index === 1).map((b) => b.ids)).toEqual([['c04', 'c06', 'c07'], ['c04', 'c06', 'c07'], ['c04', 'c06', 'c07']]);
    // Every other customer keeps their values, stances included.
    expect(await entities.exportCustomer('c06')).toEqual(before);
    const communities = await ctx.db.autoCommit('MATCH (res:RunResults) RETURN res.communities AS json');
    for (const r of communities.records) expect(JSON.parse(r.get('json') as string)[0].topMembers).toEqual(['c01']);
    expect((await runScores(ctx, 'pagerank')).has('c05')).toBe(false);
    expect(await entities.eraseCustomer('c05')).toEqual({ erased: false, content: 0, scores: 0 });
  });

  it('an erasure that lands while a publication writes leaves no trace in the new run', async () => {
    await publish('r1', 1);
    let late: Promise<unknown> | undefined;
    await publish('r2', 2, {
      onBatch: async (done) => {
        // Batches are whole blocks (4 customers here): c00–c03 are written.
        if (done !== 4) return;
        // c08 is not written yet: its erasure commits now and cannot see the run being published.
        expect((await entities.eraseCustomer('c08')).erased).toBe(true);
        // c02's block is written but not yet current: the erasure scrubs it there too.
        late = entities.eraseCustomer('c02');
      },
    });
    expect(await late).toEqual({ erased: true, content: 0, scores: 2 });
    const all = await blocks();
    for (const b of all) expect(b.ids.filter((id) => id === 'c08' || id === 'c02')).toEqual([]);
    expectAligned(all);
    expect(all.filter((b) => b.runId === 'r2').flatMap((b) => b.ids)).toEqual(IDS.filter((id) => id !== 'c08' && id !== 'c02'));
  });

  it('converts old-shape results (arrays on RunResults) to blocks, keeping every value', async () => {
    const n = IDS.length;
    const arrays = {
      customerIds: IDS,
      fields: ['pagerank'],
      pagerank: IDS.map((_, i) => i / 10),
      participationTier: IDS.map(() => 'core'),
      topics: IDS.map((_, i) => `t${i}|u`),
      stanceBrandIds: BRANDS,
      stanceScores: Array.from({ length: n * BRANDS.length }, (_, k) => k / 100),
      communities: JSON.stringify([{ id: 0, size: 10, topMembers: ['c03'] }]),
    };
    await ctx.db.autoCommit(
      `CREATE (r:AnalyticsRun {id: 'old', status: 'completed', finishedAt: '2026-01-01T00:00:00Z'})
       CREATE (r)-[:HAS_RESULTS]->(res:RunResults {runId: 'old', createdAt: '2026-01-01T00:00:00Z'})
       SET res += $arrays`,
      { arrays },
    );
    expect(await migrateRunResults(ctx.db, BLOCK)).toBe(1);
    expect(await migrateRunResults(ctx.db, BLOCK)).toBe(0);

    const res = await ctx.db.autoCommit('MATCH (res:RunResults) RETURN properties(res) AS p, elementId(res) AS ref');
    const props = res.records[0].get('p') as Record<string, unknown>;
    expect(props.customerIds).toBeUndefined();
    expect(props.pagerank).toBeUndefined();
    expect(props.stanceBrandIds).toEqual(BRANDS);
    const kept = await readRunArrays(ctx.db, res.records[0].get('ref') as string, ['pagerank', 'participationTier', 'topics', 'stanceScores', 'stanceClasses']);
    expect(kept.customerIds).toEqual(IDS);
    expect(kept.arrays.pagerank).toEqual(arrays.pagerank);
    expect(kept.arrays.topics).toEqual(arrays.topics);
    expect(kept.arrays.stanceScores).toEqual(arrays.stanceScores);
    expect(kept.arrays.stanceClasses).toBeUndefined();
    expect((await blocks()).map((b) => b.ids.length)).toEqual([4, 4, 2]);

    // The converted run is erased from like a published one.
    expect(await entities.eraseCustomer('c03')).toEqual({ erased: true, content: 0, scores: 1 });
    const after = await readRunArrays(ctx.db, res.records[0].get('ref') as string, ['pagerank', 'stanceScores']);
    expect(after.customerIds).toEqual(IDS.filter((id) => id !== 'c03'));
    expect(after.arrays.pagerank).toEqual(arrays.pagerank.filter((_, i) => i !== 3));
    expect(after.arrays.stanceScores).toEqual(arrays.stanceScores.filter((_, k) => Math.floor(k / 2) !== 3));
  });

  it("finds a customer's block with an index seek, not a label scan", async () => {
    await publish('r1', 1);
    const result = await ctx.db.autoCommit(`EXPLAIN ${BLOCKS_OF_CUSTOMER} RETURN b`, { id: 'c05' });
    const operators: string[] = [];
    const walk = (op: { operatorType: string; children: unknown[] }) => {
      operators.push(op.operatorType.replace(/@.*/, ''));
      for (const child of op.children) walk(child as typeof op);
    };
    walk(result.summary.plan as unknown as { operatorType: string; children: unknown[] });
    expect(operators.some((o) => o === 'NodeIndexSeek' || o === 'NodeIndexSeekByRange'), operators.join(', ')).toBe(true);
    const scans = operators.filter((o) => o === 'NodeByLabelScan' || o === 'AllNodesScan');
    // Only the handful of RunResults nodes (one per kept run) may be scanned.
    expect(scans.length, operators.join(', ')).toBeLessThanOrEqual(1);
  });
});
