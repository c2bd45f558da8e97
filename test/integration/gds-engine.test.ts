/**
 * The gds engine against the test database with Graph Data Science loaded: the reference graphs
 * through both engines (PageRank within 1e-6, betweenness exact and sampled within its stated
 * bound, Louvain modularity within 0.01), a run with engine gds end to end through the API, `auto`
 * choosing each way, refusal on a too-small memory limit, and the projection dropped after a
 * failure and after a cancel. Skipped when the database has no GDS.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/analytics/index.js';
import type { EngineReport } from '../../src/domain/engines/engine.js';
import { inProcess } from '../../src/domain/engines/in-process.js';
import type { Projection } from '../../src/domain/projection.js';
import { RunParamsSchema, type RunParams } from '../../src/domain/scoring.js';
import { GdsEngine } from '../../src/graph/gds-engine.js';
import { auth, clearDatabase, createTestApp, get, post, runScores, type TestContext } from './helpers.js';

interface Reference {
  directed: boolean;
  nodes: (string | number)[];
  edges: [string | number, string | number][];
  [key: string]: unknown;
}
const reference = (name: string) => JSON.parse(readFileSync(new URL(`../../../shared/reference/${name}.json`, import.meta.url), 'utf8')) as Reference;

/** A reference graph as the arcs of a projection (undirected edges give both arcs), weight 1. */
function projectionOf(ref: Reference): Pick<Projection, 'ids' | 'src' | 'dst' | 'weight'> {
  const index = new Map(ref.nodes.map((v, i) => [String(v), i]));
  const src: number[] = [];
  const dst: number[] = [];
  for (const [a, b] of ref.edges) {
    src.push(index.get(String(a))!);
    dst.push(index.get(String(b))!);
    if (!ref.directed) {
      src.push(index.get(String(b))!);
      dst.push(index.get(String(a))!);
    }
  }
  return { ids: ref.nodes.map(String), src: Int32Array.from(src), dst: Int32Array.from(dst), weight: new Float64Array(src.length).fill(1) };
}

const params = (input: object = {}): RunParams => RunParamsSchema.parse(input);
const report = (): EngineReport => ({ name: 'gds', requested: 'gds', reason: 'test' });
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};
const toRef = (ref: Reference, key: string) => ref.nodes.map((v) => (ref[key] as Record<string, number>)[String(v)]);

describe('gds engine', () => {
  let ctx: TestContext;
  let engine: GdsEngine;
  let hasGds = false;
  beforeAll(async () => {
    ctx = await createTestApp();
    engine = new GdsEngine(ctx.db, { maxMemoryMb: 0 });
    hasGds = (await engine.available()).available;
  });
  afterAll(async () => ctx.close());

  it('matches the in-process engine and NetworkX on the karate club', async ({ skip }) => {
    if (!hasGds) skip();
    const ref = reference('karate-club');
    const p = projectionOf(ref);
    const run = params();
    const r = await engine.compute({ runId: 'karate', projection: p as Projection, params: run }, report());
    const g = buildCsr(p.ids.length, p.src, p.dst, p.weight);
    const control = {};
    expect(maxDiff(r.pagerank!.scores, toRef(ref, 'pagerank_alpha_0.85'))).toBeLessThan(1e-6);
    expect(maxDiff(r.pagerank!.scores, inProcess.pagerank(g, run, control).scores)).toBeLessThan(1e-6);
    expect(r.betweenness!.exact).toBe(true);
    expect(maxDiff(r.betweenness!.scores, toRef(ref, 'betweenness_normalized'))).toBeLessThan(1e-6);
    expect(maxDiff(r.closeness!.scores, toRef(ref, 'closeness'))).toBeLessThan(1e-6);
    expect(maxDiff(r.harmonic!.scores, toRef(ref, 'harmonic'))).toBeLessThan(1e-6);
    const degree = inProcess.degree(g);
    expect(Array.from(r.degree!.inDegree)).toEqual(Array.from(degree.inDegree));
    expect(Array.from(r.degree!.weightedOutDegree)).toEqual(Array.from(degree.weightedOutDegree));
    expect(Array.from(r.kcore!)).toEqual(Array.from(inProcess.kcore(g)));
    expect(Array.from(r.wcc!.labels)).toEqual(Array.from(inProcess.wcc(g).labels));
    const local = inProcess.louvain(g, run, control);
    expect(Math.abs(r.louvain!.modularity - local.modularity)).toBeLessThan(0.01);
    // HITS on an unweighted graph goes to GDS: hubs = authorities on an undirected graph, summing to 1.
    const hits = inProcess.hits(g, run, control);
    expect(maxDiff(r.hits!.hubs, hits.hubs)).toBeLessThan(1e-6);
    expect(await engine.projectedGraphs()).toEqual([]);
  });

  it('matches NetworkX on the directed reference graph; sampled betweenness stays within its bound', async ({ skip }) => {
    if (!hasGds) skip();
    const ref = reference('directed-random-60');
    const p = projectionOf(ref);
    const r = await engine.compute({ runId: 'directed', projection: p as Projection, params: params() }, report());
    expect(maxDiff(r.pagerank!.scores, toRef(ref, 'pagerank_alpha_0.85_dangling_uniform'))).toBeLessThan(1e-6);
    expect(maxDiff(r.betweenness!.scores, toRef(ref, 'betweenness_normalized'))).toBeLessThan(1e-6);
    expect(maxDiff(r.hits!.hubs, toRef(ref, 'hits_hubs'))).toBeLessThan(1e-6);
    expect(maxDiff(r.hits!.authorities, toRef(ref, 'hits_authorities'))).toBeLessThan(1e-6);
    const sampled = await engine.compute(
      { runId: 'sampled', projection: p as Projection, params: params({ algorithms: ['betweenness'], betweenness: { maxExactNodes: 10, samples: 30 } }) },
      report(),
    );
    const b = sampled.betweenness!;
    expect(b.exact).toBe(false);
    expect(b.samples).toBe(30);
    expect(maxDiff(b.scores, toRef(ref, 'betweenness_normalized'))).toBeLessThanOrEqual(b.errorBoundAllNodes);
  });

  it('finds communities as good as the in-process Louvain on Les Misérables', async ({ skip }) => {
    if (!hasGds) skip();
    const p = projectionOf(reference('les-miserables'));
    const run = params({ algorithms: ['louvain'] });
    const r = await engine.compute({ runId: 'lesmis', projection: p as Projection, params: run }, report());
    const local = inProcess.louvain(buildCsr(p.ids.length, p.src, p.dst, p.weight), run, {});
    expect(Math.abs(r.louvain!.modularity - local.modularity)).toBeLessThan(0.01);
  });

  it('refuses a run whose estimate exceeds the memory limit, with the figures', async ({ skip }) => {
    if (!hasGds) skip();
    const tight = new GdsEngine(ctx.db, { maxMemoryMb: 1 });
    const p = projectionOf(reference('les-miserables'));
    const rep = report();
    await expect(tight.compute({ runId: 'tight', projection: p as Projection, params: params() }, rep)).rejects.toThrow(/estimated \d+ MiB .* 1 MiB allowed by GDS_MAX_MEMORY_MB/);
    expect(rep.memory!.estimateMb).toBeGreaterThan(1);
    expect(await engine.projectedGraphs()).toEqual([]);
  });

  it('drops its projection after a failure and after a cancel', async ({ skip }) => {
    if (!hasGds) skip();
    const p = projectionOf(reference('les-miserables'));
    // GDS refuses a damping factor of 1 after the graph is projected.
    const failing = { ...params({ algorithms: ['degree', 'pagerank'] }), pagerank: { alpha: 1, tol: 1e-9, maxIter: 20 } };
    await expect(engine.compute({ runId: 'fails', projection: p as Projection, params: failing }, report())).rejects.toThrow();
    expect(await engine.projectedGraphs()).toEqual([]);

    const abort = new AbortController();
    const cancelled = engine.compute(
      {
        runId: 'cancelled',
        projection: p as Projection,
        params: params(),
        signal: abort.signal,
        onPhase: (name, state) => {
          if (name === 'betweenness' && state === 'running') abort.abort();
        },
      },
      report(),
    );
    await expect(cancelled).rejects.toThrow();
    expect(await engine.projectedGraphs()).toEqual([]);
  });

  describe('through the API', () => {
    const customers = reference('karate-club');
    beforeAll(async () => {
      if (!hasGds) return;
      await clearDatabase(ctx.db);
      await post(ctx, 'customers', customers.nodes.map((v) => ({ id: `n${v}` })));
      await post(ctx, 'ties', customers.edges.map(([a, b]) => ({ from: `n${a}`, to: `n${b}`, kind: 'KNOWS' })));
    });

    const runToEnd = async (c: TestContext, body: object) => {
      const res = await c.app.inject({ method: 'POST', url: '/v1/analytics/runs', headers: auth('write'), payload: body });
      expect(res.statusCode, res.body).toBe(202);
      const run = await c.app.services.runs.wait(res.json().id);
      expect(run.status, run.message).toBe('completed');
      return run;
    };

    it('runs with engine gds end to end and says so in the run record; communities keep their ids', async ({ skip }) => {
      if (!hasGds) skip();
      const first = await runToEnd(ctx, { engine: 'gds' });
      const shown = (await get(ctx, `/v1/analytics/runs/${first.id}`)).json() as { summary: { engine: EngineReport; louvain: { keptIds: number; communities: number } } };
      expect(shown.summary.engine.name).toBe('gds');
      expect(shown.summary.engine.placement?.pagerank).toBe('gds');
      expect(shown.summary.engine.memory?.estimateMb).toBeGreaterThan(0);
      const pagerank = await runScores(ctx, 'pagerank');
      for (const [node, value] of Object.entries(customers['pagerank_alpha_0.85'] as Record<string, number>)) {
        expect(Math.abs(pagerank.get(`n${node}`)! - value)).toBeLessThan(1e-6);
      }
      const communities = await runScores(ctx, 'community');
      const second = await runToEnd(ctx, { engine: 'gds' });
      const louvain = (second.summary as { louvain: { keptIds: number; communities: number } }).louvain;
      expect(louvain.keptIds).toBe(louvain.communities);
      expect(await runScores(ctx, 'community')).toEqual(communities);
      expect(await engine.projectedGraphs()).toEqual([]);
    });

    it('auto picks gds above GDS_AUTO_MIN_CUSTOMERS and in-process below it', async ({ skip }) => {
      if (!hasGds) skip();
      const below = await runToEnd(ctx, { engine: 'auto', algorithms: ['pagerank'] });
      expect((below.summary.engine as EngineReport).name).toBe('in-process');
      expect((below.summary.engine as EngineReport).reason).toMatch(/below GDS_AUTO_MIN_CUSTOMERS/);
      const small = await createTestApp({ GDS_AUTO_MIN_CUSTOMERS: '10', ANALYTICS_ENGINE: 'auto' });
      try {
        const above = await runToEnd(small, { algorithms: ['pagerank'] });
        expect((above.summary.engine as EngineReport).name).toBe('gds');
        expect((above.summary.engine as EngineReport).reason).toMatch(/34 customers/);
      } finally {
        await small.close();
      }
    });

    it('fails a gds run that does not fit GDS_MAX_MEMORY_MB, naming the figures', async ({ skip }) => {
      if (!hasGds) skip();
      const tight = await createTestApp({ GDS_MAX_MEMORY_MB: '1' });
      try {
        const res = await tight.app.inject({ method: 'POST', url: '/v1/analytics/runs', headers: auth('write'), payload: { engine: 'gds' } });
        expect(res.statusCode, res.body).toBe(202);
        const run = await tight.app.services.runs.wait(res.json().id);
        expect(run.status).toBe('failed');
        expect(run.message).toMatch(/estimated \d+ MiB .* 1 MiB allowed by GDS_MAX_MEMORY_MB/);
      } finally {
        await tight.close();
      }
      expect(await engine.projectedGraphs()).toEqual([]);
    });
  });
});
