import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, clearDatabase, createTestApp, runScores, type TestContext } from './helpers.js';

const reference = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../shared/reference/${name}.json`, import.meta.url), 'utf8')) as {
    nodes: (string | number)[];
    edges: [string | number, string | number][];
    [key: string]: unknown;
  };

/** Loads an undirected reference graph as customers joined by KNOWS ties of weight 1. */
async function loadUndirected(ctx: TestContext, name: string): Promise<void> {
  const g = reference(name);
  const id = (v: string | number) => `n${v}`;
  const post = async (kind: string, rows: object[]) => {
    const res = await ctx.app.inject({ method: 'POST', url: `/v1/${kind}/bulk`, headers: auth('write'), payload: rows });
    expect(res.statusCode, res.body).toBe(200);
  };
  await post('customers', g.nodes.map((v) => ({ id: id(v) })));
  await post('ties', g.edges.map(([a, b]) => ({ from: id(a), to: id(b), kind: 'KNOWS' })));
}

/** A score as readers see it: the plain property on every Customer node. */
async function scores(ctx: TestContext, field: string): Promise<Map<string, number>> {
  const result = await ctx.db.autoCommit(`MATCH (c:Customer) RETURN c.id AS id, c[$field] AS v`, { field });
  return new Map(result.records.map((r) => [r.get('id') as string, Number(r.get('v'))]));
}

async function runToEnd(ctx: TestContext, body: object = {}) {
  const res = await ctx.app.inject({ method: 'POST', url: '/v1/analytics/runs', headers: auth('write'), payload: body });
  expect(res.statusCode, res.body).toBe(202);
  const run = await ctx.app.services.runs.wait(res.json().id);
  expect(run.status, run.message).toBe('completed');
  return run;
}

describe('analytics runs on reference graphs', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await loadUndirected(ctx, 'karate-club');
  });
  afterAll(async () => ctx.close());

  it('writes scores that agree with NetworkX on the karate club (tolerance 1e-6)', async () => {
    const run = await runToEnd(ctx);
    const ref = reference('karate-club');
    for (const [field, key] of [
      ['pagerank', 'pagerank_alpha_0.85'],
      ['betweenness', 'betweenness_normalized'],
      ['closeness', 'closeness'],
      ['harmonic', 'harmonic'],
      ['eigenvector', 'eigenvector'],
    ] as const) {
      const got = await runScores(ctx, field);
      const expected = ref[key] as Record<string, number>;
      for (const [node, value] of Object.entries(expected)) expect(got.get(`n${node}`), `${field} of ${node}`).toBeCloseTo(value, 6);
    }
    const summary = run.summary as { louvain: { modularity: number; communities: number }; betweenness: { exact: boolean } };
    expect(summary.louvain.modularity).toBeGreaterThanOrEqual(0.41);
    expect(summary.betweenness.exact).toBe(true);
    const degrees = await runScores(ctx, 'inDegree');
    expect(degrees.get('n33')).toBe(17);
    // The plain properties on Customer nodes hold the same values as the kept results.
    expect(await scores(ctx, 'pagerank')).toEqual(await runScores(ctx, 'pagerank'));
    const cores = await runScores(ctx, 'coreNumber');
    expect(Math.max(...cores.values())).toBe(4);
  });

  it('gives the same scores and communities for the same input and seed', async () => {
    await runToEnd(ctx, { seed: 11 });
    const first = { pr: await scores(ctx, 'pagerank'), c: await scores(ctx, 'community') };
    await runToEnd(ctx, { seed: 11 });
    expect(await scores(ctx, 'pagerank')).toEqual(first.pr);
    expect(await scores(ctx, 'community')).toEqual(first.c);
  });

  it('keeps community ids stable from one run to the next', async () => {
    await runToEnd(ctx, { seed: 3 });
    const before = await scores(ctx, 'community');
    const run = await runToEnd(ctx, { seed: 3 });
    expect(await scores(ctx, 'community')).toEqual(before);
    expect((run.summary as { louvain: { newIds: number } }).louvain.newIds).toBe(0);
    // A run without Louvain in between does not break the continuity of the ids.
    await runToEnd(ctx, { algorithms: ['pagerank'] });
    await runToEnd(ctx, { seed: 3 });
    expect(await scores(ctx, 'community')).toEqual(before);
  });

  it('answers 409 while a run is in progress, lists the history and reports phases', async () => {
    const first = await ctx.app.inject({ method: 'POST', url: '/v1/analytics/runs', headers: auth('write'), payload: {} });
    const second = await ctx.app.inject({ method: 'POST', url: '/v1/analytics/runs', headers: auth('write'), payload: {} });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('RUN_IN_PROGRESS');
    const done = await ctx.app.services.runs.wait(first.json().id);
    // Listed in the order they run: with a second scoring thread the sampled searches come last.
    const searches = ['betweenness', 'closeness', 'harmonic'];
    const others = ['eigenvector', 'hits', 'kcore', 'wcc', 'louvain', 'reach', 'network', 'stance', 'trust'];
    const middle = ctx.config.ANALYTICS_THREADS >= 2 ? [...others, ...searches] : [...searches, ...others];
    expect(done.phases.map((p) => p.name)).toEqual(['projection', 'graph', 'degree', 'pagerank', ...middle, 'influence', 'publish']);
    expect(done.phases.every((p) => p.status === 'done' && typeof p.ms === 'number')).toBe(true);
    expect(done.progress).toBe(1);
    const one = await ctx.app.inject({ method: 'GET', url: `/v1/analytics/runs/${done.id}`, headers: auth('read') });
    expect(one.json()).toMatchObject({ id: done.id, status: 'completed' });
    const list = await ctx.app.inject({ method: 'GET', url: '/v1/analytics/runs?limit=3', headers: auth('read') });
    expect(list.json().items[0].id).toBe(done.id);
    const keptResults = await ctx.db.autoCommit('MATCH (r:RunResults) RETURN count(r) AS n');
    expect(keptResults.records[0].get('n').toNumber()).toBeLessThanOrEqual(ctx.config.ANALYTICS_KEEP_RUNS);
  });

  it('rejects bad parameters with 400 naming the field', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/analytics/runs',
      headers: auth('write'),
      payload: { algorithms: ['pagerank', 'astrology'], pagerank: { alpha: 1.5 } },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: unknown[] }) => e.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['body.algorithms.1', 'body.pagerank.alpha']));
  });

  it('a cancelled run leaves the previous results in place', async () => {
    const previous = await runToEnd(ctx, { seed: 5 });
    const before = await scores(ctx, 'pagerank');
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/analytics/runs', headers: auth('write'), payload: { seed: 6, pagerank: { alpha: 0.5 } } });
    const cancelled = await ctx.app.inject({ method: 'DELETE', url: `/v1/analytics/runs/${res.json().id}`, headers: auth('write') });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    expect(await scores(ctx, 'pagerank')).toEqual(before);
    const runIds = await ctx.db.autoCommit('MATCH (c:Customer) RETURN collect(DISTINCT c.scoresRunId) AS ids');
    expect(runIds.records[0].get('ids')).toEqual([previous.id]);
  });

  it('a run killed in the middle of publishing leaves the previous results whole', async () => {
    const previous = await runToEnd(ctx, { seed: 8 });
    const before = { pr: await scores(ctx, 'pagerank'), bt: await scores(ctx, 'betweenness') };
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/publish-and-hang.ts', import.meta.url))], {
      env: {
        ...process.env,
        NEO4J_URI: ctx.config.NEO4J_URI,
        NEO4J_PASSWORD: ctx.config.NEO4J_PASSWORD,
        ANALYTICS_PUBLISH_BATCH: '4',
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
        const match = /PUBLISHING (\S+)/.exec(out);
        if (match) resolve(match[1]);
        if (out.includes('FINISHED')) reject(new Error('the child finished before it was killed'));
      });
      child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${stderr}`)));
    });
    // Some customers' new scores are written inside the open transaction right now.
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    // Wait until Neo4j notices the dropped connection and rolls the transaction back.
    let ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await ctx.db.autoCommit('MATCH (c:Customer) RETURN collect(DISTINCT c.scoresRunId) AS ids');
      ids = r.records[0].get('ids');
      if (ids.length === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(ids).toEqual([previous.id]);
    expect(await scores(ctx, 'pagerank')).toEqual(before.pr);
    expect(await scores(ctx, 'betweenness')).toEqual(before.bt);
    const killed = await ctx.app.services.runs.get(runId);
    expect(killed.status).toBe('running');
    // Its lease is still live: for all this process knows, another process is doing that run.
    expect(await ctx.app.services.runs.recover()).toBe(0);
    expect((await ctx.app.services.runs.get(runId)).status).toBe('running');
    // Once the lease has run out (no renewal from the killed process), the run is recovered.
    await ctx.db.autoCommit(`MATCH (l:Lease {name: 'analytics'}) SET l.expiresAt = timestamp() - 1`);
    expect(await ctx.app.services.runs.recover()).toBe(1);
    expect((await ctx.app.services.runs.get(runId)).status).toBe('interrupted');
    const results = await ctx.db.autoCommit('MATCH (r:RunResults {runId: $runId}) RETURN count(r) AS n', { runId });
    expect(results.records[0].get('n').toNumber()).toBe(0);
  });
});
