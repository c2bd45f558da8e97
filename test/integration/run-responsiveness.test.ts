/**
 * The API keeps answering while an analytics run computes: /health requests complete while the
 * run is in a long phase (exact closeness on a few thousand customers), and a cancel during that
 * phase stops the run without waiting for the phase to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/analytics/random.js';
import { auth, clearDatabase, createTestApp, type TestContext } from './helpers.js';

const CUSTOMERS = 6000;
const TIES_PER_CUSTOMER = 10;

async function loadGraph(ctx: TestContext): Promise<void> {
  const post = async (kind: string, rows: object[]) => {
    for (let i = 0; i < rows.length; i += 10_000) {
      const res = await ctx.app.inject({ method: 'POST', url: `/v1/${kind}/bulk`, headers: auth('write'), payload: rows.slice(i, i + 10_000) });
      expect(res.statusCode, res.body).toBe(200);
    }
  };
  const id = (i: number) => `r${i}`;
  await post('customers', Array.from({ length: CUSTOMERS }, (_, i) => ({ id: id(i) })));
  const rng = createRng(99);
  const ties = new Map<string, object>();
  for (let u = 0; u < CUSTOMERS; u++) {
    for (let k = 0; k < TIES_PER_CUSTOMER; k++) {
      const v = rng.nextInt(CUSTOMERS);
      if (v !== u) ties.set(`${u}>${v}`, { from: id(u), to: id(v), kind: 'FOLLOWS' });
    }
  }
  await post('ties', [...ties.values()]);
}

describe('API responsiveness during an analytics run', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await loadGraph(ctx);
  }, 180_000);
  afterAll(async () => ctx.close());

  it('answers /health while the run is in a long phase, and a cancel stops that phase', async () => {
    const runs = ctx.app.services.runs;
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/analytics/runs',
      headers: auth('write'),
      payload: { algorithms: ['closeness', 'harmonic'], closeness: { maxExactNodes: 1_000_000 } },
    });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id as string;
    const phase = async (name: string) => (await runs.get(id)).phases.find((p) => p.name === name)!.status;
    while ((await phase('closeness')) === 'pending') await new Promise((r) => setTimeout(r, 5));
    let answeredDuringPhase = 0;
    while (answeredDuringPhase < 20) {
      const health = await ctx.app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(200);
      if ((await phase('closeness')) !== 'running') break;
      answeredDuringPhase++;
    }
    expect(answeredDuringPhase).toBe(20);
    expect((await runs.get(id)).status).toBe('running');
    expect(await phase('closeness')).toBe('running');
    // Cancelled mid-phase: the closeness phase never finishes.
    const cancelled = await runs.cancel(id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.phases.find((p) => p.name === 'closeness')!.status).toBe('skipped');
  }, 120_000);

  it('loads the snapshot and the paths graph in the background at start, before any request', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/v1/analytics/runs', headers: auth('write'), payload: { algorithms: ['degree'] } });
    expect(res.statusCode, res.body).toBe(202);
    expect((await ctx.app.services.runs.wait(res.json().id)).status).toBe('completed');
    // A second process starting on the same database.
    const other = await createTestApp();
    try {
      expect(await other.app.services.snapshots.warmUp()).toBe(true);
      const graph = await other.app.services.snapshots.graph();
      expect(graph.ids.length).toBe(CUSTOMERS);
      // Kept: later requests get the same graph, not a new projection.
      expect(await other.app.services.snapshots.graph()).toBe(graph);
    } finally {
      await other.close();
    }
  }, 120_000);
});
