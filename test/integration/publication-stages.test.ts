/**
 * A publication SIGKILLed at each of its stages: result blocks half written, all blocks written
 * but not yet current, right after the flip, half-way through the refresh of Customer properties.
 * After a restart (a new app, `recover()` as at start) every reader shows either the previous run
 * whole or the new run whole: super users and customer metrics (the API's snapshot), a Cypher
 * library query and the plain properties, and the kept-run history. While the refresh is cut
 * short, the Cypher library already answers from the new run only.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { int } from '../../src/graph/database.js';
import type { PublishStage } from '../../src/graph/analytics-run.repository.js';
import { analyse, auth, clearDatabase, createTestApp, get, post, type TestContext } from './helpers.js';

const N = 60;
const ids = Array.from({ length: N }, (_, i) => `p${String(i).padStart(2, '0')}`);
const RUN = { algorithms: ['degree', 'pagerank', 'louvain'] };

/** A score of every customer of one run, from its blocks. */
async function blockScores(ctx: TestContext, runId: string, field: string): Promise<Map<string, number>> {
  const result = await ctx.db.autoCommit(
    `MATCH (:AnalyticsRun {id: $runId})-[:HAS_RESULTS]->(res:RunResults)-[:HAS_BLOCK]->(b:RunResultsBlock)
     RETURN b.customerIds AS ids, b[$field] AS values ORDER BY b.index`,
    { runId, field },
  );
  const scores = new Map<string, number>();
  for (const r of result.records) (r.get('ids') as string[]).forEach((id, i) => scores.set(id, Number((r.get('values') as unknown[])[i])));
  return scores;
}

const library = readFileSync(fileURLToPath(new URL('../../cypher/analysis/super-users.cypher', import.meta.url)), 'utf8')
  .split('\n')
  .filter((line) => !line.startsWith('//'))
  .join('\n')
  .replace(/;\s*$/, '');

/** The Cypher library's super users of a community: id and pagerank of each row. */
async function librarySuperUsers(ctx: TestContext, community: number): Promise<[string, number][]> {
  const result = await ctx.db.autoCommit(library, { community: int(community), by: 'pagerank', limit: int(100) });
  return result.records.map((r) => [r.get('id') as string, r.get('pagerank') as number]);
}

/** What every reader shows, checked against the blocks of the run that must be current. */
async function expectReaders(ctx: TestContext, runId: string, previousRunId: string | null, completed: string[]) {
  const pagerank = await blockScores(ctx, runId, 'pagerank');
  const community = await blockScores(ctx, runId, 'community');
  expect(pagerank.size).toBe(N);

  const superUsers = (await get(ctx, '/v1/super-users?limit=100')).json();
  expect(superUsers.runId).toBe(runId);
  const metrics = (await get(ctx, `/v1/customers/${ids[0]}/metrics`)).json();
  expect(metrics.runId).toBe(runId);
  expect(metrics.previousRunId).toBe(previousRunId);
  expect(metrics.centralities.pagerank.value).toBeCloseTo(pagerank.get(ids[0])!, 12);

  const properties = await ctx.db.autoCommit('MATCH (c:Customer) RETURN collect(DISTINCT c.scoresRunId) AS runs');
  expect(properties.records[0].get('runs')).toEqual([runId]);
  const c = community.get(ids[0])!;
  const rows = await librarySuperUsers(ctx, c);
  expect(rows.map(([id]) => id).sort()).toEqual(ids.filter((id) => community.get(id) === c));
  for (const [id, value] of rows) expect(value).toBeCloseTo(pagerank.get(id)!, 12);

  // Kept-run history: the completed runs with results, and nothing else stored.
  const exported = await ctx.app.inject({ method: 'GET', url: `/v1/customers/${ids[0]}/export`, headers: auth('admin') });
  const history = exported.json().scoreHistory as { runId: string }[];
  expect(history.map((h) => h.runId)).toEqual(completed);
  const results = await ctx.db.autoCommit('MATCH (res:RunResults) RETURN res.runId AS runId ORDER BY res.createdAt');
  expect(results.records.map((r) => r.get('runId'))).toEqual(completed);
}

describe('a publication killed at each stage', () => {
  let ctx: TestContext;
  const completed: string[] = [];

  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await post(ctx, 'customers', ids.map((id) => ({ id, name: id })));
    // Three rings of twenty with a chord each, joined by single ties: three communities.
    const ties: object[] = [];
    for (let g = 0; g < 3; g++) {
      for (let k = 0; k < 20; k++) {
        const a = ids[g * 20 + k];
        ties.push({ from: a, to: ids[g * 20 + ((k + 1) % 20)], kind: 'KNOWS' });
        ties.push({ from: a, to: ids[g * 20 + ((k + 7) % 20)], kind: 'FOLLOWS' });
      }
      ties.push({ from: ids[g * 20], to: ids[((g + 1) % 3) * 20 + 3], kind: 'FOLLOWS' });
    }
    await post(ctx, 'ties', ties);
  });
  afterAll(async () => ctx?.close());

  /** Runs the child to the stage, kills it, and returns its run id. */
  async function killAt(stage: PublishStage, after: number, alpha: number): Promise<string> {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/publish-stage-and-hang.ts', import.meta.url))], {
      env: {
        ...process.env,
        NEO4J_URI: ctx.config.NEO4J_URI,
        NEO4J_PASSWORD: ctx.config.NEO4J_PASSWORD,
        ANALYTICS_PUBLISH_BATCH: '10',
        PUBLISH_BLOCK_SIZE: '5',
        PUBLISH_PAUSE_STAGE: stage,
        PUBLISH_PAUSE_AFTER: String(after),
        RUN_PARAMS: JSON.stringify({ ...RUN, pagerank: { alpha } }),
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const runId = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const match = /PAUSED \S+ (\S+)/.exec(out);
        if (match) resolve(match[1]);
        if (out.includes('FINISHED')) reject(new Error(`the child finished before it was killed: ${out}`));
      });
      child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${stderr}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    return runId;
  }

  /** A restart: the killed process's lease has run out, a new app recovers and serves. */
  async function restart(): Promise<TestContext> {
    await ctx.db.autoCommit(`MATCH (l:Lease {name: 'analytics'}) SET l.expiresAt = timestamp() - 1`);
    const next = await createTestApp();
    await next.app.services.runs.recover();
    return next;
  }

  const cases: [PublishStage, number, boolean][] = [
    ['blocks', 3, false], // 6 of 12 blocks written
    ['before-flip', 1, false],
    ['after-flip', 1, true],
    ['refresh', 3, true], // 6 of 12 blocks' customers refreshed
  ];
  for (const [stage, after, flipped] of cases) {
    it(`killed at '${stage}': the ${flipped ? 'new' : 'previous'} run is whole after a restart`, async () => {
      // This process sees the run another process published (as its periodic check would).
      await ctx.app.services.snapshots.reload();
      const previous = await analyse(ctx, { ...RUN, pagerank: { alpha: 0.85 } });
      completed.push(previous.id);
      const before = completed.at(-2) ?? null;
      await expectReaders(ctx, previous.id, before, completed);

      const runId = await killAt(stage, after, 0.6);
      if (stage === 'refresh') {
        // Cut short mid-refresh: the library answers from the new run only (fewer rows, never a mix).
        const pagerank = await blockScores(ctx, runId, 'pagerank');
        const community = await blockScores(ctx, runId, 'community');
        const rows = await librarySuperUsers(ctx, community.get(ids[0])!);
        for (const [id, value] of rows) expect(value).toBeCloseTo(pagerank.get(id)!, 12);
        const runs = await ctx.db.autoCommit('MATCH (c:Customer) RETURN collect(DISTINCT c.scoresRunId) AS runs');
        expect((runs.records[0].get('runs') as string[]).sort()).toEqual([previous.id, runId].sort());
      }

      const next = await restart();
      try {
        const status = (await next.app.services.runs.get(runId)).status;
        expect(status).toBe(flipped ? 'completed' : 'interrupted');
        if (flipped) completed.push(runId);
        await expectReaders(next, flipped ? runId : previous.id, flipped ? previous.id : before, completed);
      } finally {
        await next.close();
      }
    });
  }
});
