/**
 * One analytics run at a time across processes: two apps on the same database stand for two
 * processes (API replicas, or the API and the CLI). The lease in the database refuses the second
 * start, is taken over once expired, admits exactly one of concurrent takers; a published run is
 * never downgraded; fresh community ids never repeat when two publications race.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnalyticsRunService, FreshCommunityIds, type AnalyticsRun } from '../../src/domain/analytics-run.service.js';
import type { ScoreSet } from '../../src/domain/scoring.js';
import { Neo4jAnalyticsRunRepository } from '../../src/graph/analytics-run.repository.js';
import { Neo4jProjectionRepository } from '../../src/graph/projection.repository.js';
import { auth, clearDatabase, createTestApp, post, type TestContext } from './helpers.js';

/** Two cliques of 6 joined by one tie, and a few loose customers. */
async function loadGraph(ctx: TestContext): Promise<void> {
  const ids = Array.from({ length: 16 }, (_, i) => `c${i}`);
  await post(ctx, 'customers', ids.map((id) => ({ id })));
  const ties: object[] = [];
  for (const base of [0, 6]) {
    for (let a = 0; a < 6; a++) for (let b = a + 1; b < 6; b++) ties.push({ from: `c${base + a}`, to: `c${base + b}`, kind: 'KNOWS' });
  }
  ties.push({ from: 'c0', to: 'c6', kind: 'KNOWS' }, { from: 'c12', to: 'c13', kind: 'FOLLOWS' });
  await post(ctx, 'ties', ties);
}

const startRun = (ctx: TestContext, body: object = {}) =>
  ctx.app.inject({ method: 'POST', url: '/v1/analytics/runs', headers: auth('write'), payload: body });

/** A gate a run waits at inside its publication until the test opens it. */
function gate() {
  let open!: () => void;
  let reached!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const arrived = new Promise<void>((resolve) => (reached = resolve));
  return {
    open,
    arrived,
    wait: async () => {
      reached();
      await opened;
    },
  };
}

describe('analytics runs across processes', () => {
  let a: TestContext;
  let b: TestContext;
  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp();
    await clearDatabase(a.db);
    await loadGraph(a);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });
  beforeEach(async () => {
    await a.db.autoCommit(`MATCH (l:Lease) DETACH DELETE l`);
  });

  it('refuses a second start in another process while the first runs, and allows it after', async () => {
    const g = gate();
    const first = await a.app.services.runs.start({ seed: 1 }, { onPublishBatch: g.wait });
    await g.arrived;
    const refused = await startRun(b);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().code).toBe('RUN_IN_PROGRESS');
    expect(refused.json().detail).toContain(first.id);
    // The CLI goes through the same service: the same refusal.
    await expect(b.app.services.runs.start({})).rejects.toMatchObject({ code: 'RUN_IN_PROGRESS', status: 409 });
    g.open();
    expect((await a.app.services.runs.wait(first.id)).status).toBe('completed');

    const second = await startRun(b, { seed: 1 });
    expect(second.statusCode, second.body).toBe(202);
    expect((await b.app.services.runs.wait(second.json().id)).status).toBe('completed');
    const lease = await a.db.autoCommit(`MATCH (l:Lease {name: 'analytics'}) RETURN l.holder AS holder, l.runId AS runId`);
    expect(lease.records[0].get('runId')).toBeNull();
  });

  it('leaves a live process its run at recovery, and takes an expired lease over', async () => {
    await a.db.autoCommit(
      `CREATE (:AnalyticsRun {id: 'ghost-run', status: 'running', startedAt: toString(datetime()), params: '{}', phases: '[]', summary: '{}', progress: 0})
       MERGE (l:Lease {name: 'analytics'})
       SET l.holder = 'other-host:1234', l.runId = 'ghost-run', l.expiresAt = timestamp() + 600000`,
    );
    expect(await b.app.services.runs.recover()).toBe(0);
    expect((await b.app.services.runs.get('ghost-run')).status).toBe('running');
    const refused = await startRun(b);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain('ghost-run');

    // The other process stops renewing: its lease expires.
    await a.db.autoCommit(`MATCH (l:Lease {name: 'analytics'}) SET l.expiresAt = timestamp() - 1`);
    const taken = await startRun(b, { algorithms: ['degree', 'pagerank'] });
    expect(taken.statusCode, taken.body).toBe(202);
    expect((await b.app.services.runs.wait(taken.json().id)).status).toBe('completed');
    const ghost = await b.app.services.runs.get('ghost-run');
    expect(ghost.status).toBe('interrupted');
  });

  it('recovers at start the runs whose lease expired', async () => {
    await a.db.autoCommit(
      `CREATE (:AnalyticsRun {id: 'stale-run', status: 'running', startedAt: toString(datetime()), params: '{}', phases: '[]', summary: '{}', progress: 0})
       MERGE (l:Lease {name: 'analytics'})
       SET l.holder = 'gone-host:99', l.runId = 'stale-run', l.expiresAt = timestamp() - 1`,
    );
    expect(await a.app.services.runs.recover()).toBe(1);
    expect((await a.app.services.runs.get('stale-run')).status).toBe('interrupted');
  });

  it('lets exactly one of concurrent takers win', async () => {
    const repos = Array.from({ length: 8 }, () => new Neo4jAnalyticsRunRepository(a.db));
    const claims = await Promise.all(repos.map((r, i) => r.acquireLease({ holder: `taker-${i}`, runId: `run-${i}`, ttlMs: 60_000 })));
    expect(claims.filter((c) => c.acquired)).toHaveLength(1);
    const winner = claims.findIndex((c) => c.acquired);
    for (const c of claims) if (!c.acquired) expect(c.runId).toBe(`run-${winner}`);
    await repos[winner].releaseLease({ holder: `taker-${winner}`, runId: `run-${winner}`, ttlMs: 60_000 });

    // Through the services of two processes at once: one run starts, the other is refused.
    const started = await Promise.allSettled([a.app.services.runs.start({ algorithms: ['degree'] }), b.app.services.runs.start({ algorithms: ['degree'] })]);
    const ok = started.filter((s): s is PromiseFulfilledResult<AnalyticsRun> => s.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    const refused = started.find((s) => s.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'RUN_IN_PROGRESS' });
    const owner = ok[0].value.id;
    await a.app.services.runs.wait(owner);
    await b.app.services.runs.wait(owner);
    expect((await a.app.services.runs.get(owner)).status).toBe('completed');
  });

  it('keeps a published run completed when a step after the commit throws', async () => {
    const run = await a.app.services.runs.start(
      { algorithms: ['degree', 'pagerank'] },
      {
        onProgress: (r) => {
          if (r.status === 'completed') throw new Error('the progress display broke');
        },
      },
    );
    const done = await a.app.services.runs.wait(run.id);
    expect(done.status).toBe('completed');
    const stored = await a.db.autoCommit(`MATCH (r:AnalyticsRun {id: $id}) RETURN r.status AS s`, { id: run.id });
    expect(stored.records[0].get('s')).toBe('completed');
    const scored = await a.db.autoCommit(`MATCH (c:Customer) RETURN collect(DISTINCT c.scoresRunId) AS ids`);
    expect(scored.records[0].get('ids')).toEqual([run.id]);
  });

  it('keeps a published run completed when saving it after the commit fails', async () => {
    class FailingAfterPublish extends Neo4jAnalyticsRunRepository {
      override async save(run: AnalyticsRun): Promise<boolean> {
        if (run.status === 'completed') throw new Error('the database went away after the commit');
        return super.save(run);
      }
    }
    const service = new AnalyticsRunService(new Neo4jProjectionRepository(a.db), new FailingAfterPublish(a.db), { keepRuns: 5 });
    const run = await service.start({ algorithms: ['degree'] });
    expect((await service.wait(run.id)).status).toBe('completed');
    const stored = await a.db.autoCommit(`MATCH (r:AnalyticsRun {id: $id}) RETURN r.status AS s`, { id: run.id });
    expect(stored.records[0].get('s')).toBe('completed');
    // A finished run's status is never moved by a later save.
    const repo = new Neo4jAnalyticsRunRepository(a.db);
    expect(await repo.save({ ...(await repo.get(run.id))!, status: 'failed' })).toBe(false);
    expect((await repo.get(run.id))!.status).toBe('completed');
  });

  it('never hands out the same fresh community id to two racing publications', async () => {
    const repo = new Neo4jAnalyticsRunRepository(a.db);
    const max = await repo.maxCommunityId();
    const ids = Array.from({ length: 16 }, (_, i) => `c${i}`);
    const attempt = async (runId: string) => {
      // Both attempts computed their communities against the same largest id.
      const first = max + 1;
      const community = Int32Array.from(ids, (_, i) => first + (i < 8 ? 0 : 1));
      const result: ScoreSet = {
        fields: { community },
        text: { participationTier: ids.map(() => 'lurker' as never), topics: ids.map(() => []) },
        communities: [0, 1].map((k) => ({
          id: first + k,
          size: 8,
          density: 0,
          internalTies: 0,
          ties: [{ community: first + 1 - k, arcs: 1 }],
          topics: [],
          topMembers: [],
          previousSize: 0,
        })),
        summary: { louvain: { maxCommunityId: first + 1 } },
      };
      const run: AnalyticsRun = {
        id: runId,
        status: 'running',
        params: {} as AnalyticsRun['params'],
        startedAt: new Date().toISOString(),
        progress: 0,
        phases: [],
        summary: result.summary,
      };
      await repo.create(run);
      await repo.publish({
        run: { ...run, status: 'completed', finishedAt: new Date().toISOString() },
        ids,
        fields: result.fields,
        text: result.text,
        communities: result.communities,
        keepRuns: 10,
        cancelled: () => false,
        communityIds: new FreshCommunityIds(result, first),
      });
      return result;
    };
    const [x, y] = await Promise.all([attempt('race-x'), attempt('race-y')]);
    const xs = new Set(x.fields.community);
    const ys = new Set(y.fields.community);
    expect(xs.size).toBe(2);
    expect(ys.size).toBe(2);
    for (const id of xs) expect(ys.has(id)).toBe(false);
    // What each run stored is what it handed out, summaries included.
    for (const [runId, result] of [['race-x', x], ['race-y', y]] as const) {
      const stored = await a.db.autoCommit(`MATCH (:AnalyticsRun {id: $runId})-[:HAS_RESULTS]->(res)-[:HAS_BLOCK]->(b) WITH res, b ORDER BY b.index WITH res, collect(b.community) AS cs RETURN reduce(a = [], c IN cs | a + c) AS c, res.communities AS s`, { runId });
      expect((stored.records[0].get('c') as { toNumber(): number }[]).map((v) => Number(v))).toEqual(Array.from(result.fields.community!));
      const summaries = JSON.parse(stored.records[0].get('s')) as { id: number; ties: { community: number }[] }[];
      expect(new Set(summaries.map((s) => s.id))).toEqual(new Set(result.fields.community));
      expect(new Set(summaries.map((s) => s.ties[0].community))).toEqual(new Set(result.fields.community));
    }
    expect(await repo.maxCommunityId()).toBe(max + 4);
  });
});
