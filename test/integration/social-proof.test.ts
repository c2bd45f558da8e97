/**
 * Social proof from memory (the last run's ties and engagements, privacy from the snapshot) gives
 * the same answers as the database query on a generated base, never names an opted-out customer,
 * and applies an opt-out at once. The memory the service loads in a worker thread answers the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGeneratedDataset } from '../../src/demo.js';
import { SocialProofService, type SocialProofRepository } from '../../src/domain/social-proof.service.js';
import { Neo4jSocialProofRepository } from '../../src/graph/social-proof.repository.js';
import { loadSocialProofInWorker } from '../../src/graph/social-proof-worker.runner.js';
import { analyse, clearDatabase, createTestApp, post, type TestContext } from './helpers.js';

describe('social proof from memory', () => {
  let ctx: TestContext;
  let pairs: [string, string][];
  let optedOut: Set<string>;
  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await loadGeneratedDataset(ctx.app.services.ingest, 2000, 5);
    await analyse(ctx, { algorithms: ['degree'] });
    const targets = await ctx.db.autoCommit(
      `MATCH (:Customer)-[:ENGAGED]->(x)
       WITH x, [l IN labels(x) WHERE l IN ['Brand', 'Product', 'Campaign', 'Content']][0] AS label, count(*) AS n
       ORDER BY n DESC, x.id LIMIT 12
       RETURN toLower(label) + ':' + x.id AS target`,
    );
    const customers = await ctx.db.autoCommit(`MATCH (c:Customer) WHERE (c)-[:FOLLOWS|KNOWS]-() RETURN c.id AS id ORDER BY id LIMIT 40`);
    const brands = await ctx.db.autoCommit(`MATCH (b:Brand) RETURN 'brand:' + b.id AS target ORDER BY target LIMIT 3`);
    const all = [...targets.records, ...brands.records].map((r) => r.get('target') as string);
    pairs = customers.records.flatMap((r) => all.map((t) => [r.get('id') as string, t] as [string, string]));
    const out = await ctx.db.autoCommit(`MATCH (c:Customer {optedOut: true}) RETURN c.id AS id`);
    optedOut = new Set(out.records.map((r) => r.get('id') as string));
  }, 180_000);
  afterAll(async () => ctx.close());

  it('answers as the database query does, without asking the database', async () => {
    const repo = new Neo4jSocialProofRepository(ctx.db);
    let queries = 0;
    const counting: SocialProofRepository = Object.assign(Object.create(repo) as SocialProofRepository, {
      socialProof: (...args: Parameters<SocialProofRepository['socialProof']>) => {
        queries++;
        return repo.socialProof(...args);
      },
    });
    const memory = new SocialProofService(counting, ctx.app.services.snapshots);
    await memory.refresh();
    const inWorker = new SocialProofService(counting, ctx.app.services.snapshots, (runId) => loadSocialProofInWorker(ctx.db, runId));
    await inWorker.refresh();
    const database = new SocialProofService(repo);
    let engaged = 0;
    let named = 0;
    for (const [customer, target] of pairs) {
      const a = await memory.get(customer, target, 50);
      const b = await database.get(customer, target, 50);
      expect(a, `${customer} / ${target}`).toEqual(b);
      expect(await inWorker.get(customer, target, 50), `${customer} / ${target} (loaded in a worker)`).toEqual(b);
      engaged += a.engaged;
      named += a.closest.length;
      for (const c of a.closest) expect(optedOut.has(c.id)).toBe(false);
    }
    // The comparison covers real answers, and memory answered every one of them.
    expect(engaged).toBeGreaterThan(20);
    expect(named).toBeGreaterThan(10);
    expect(queries).toBe(0);
  });

  it('stops naming a customer who opts out at once', async () => {
    const service = ctx.app.services.socialProof;
    await service.refresh();
    let found: { customer: string; target: string; named: string } | undefined;
    for (const [customer, target] of pairs) {
      const a = await service.get(customer, target, 50);
      if (a.closest.length > 0) {
        found = { customer, target, named: a.closest[0].id };
        break;
      }
    }
    expect(found).toBeDefined();
    const before = await service.get(found!.customer, found!.target, 50);
    await post(ctx, 'customers', [{ id: found!.named, optedOut: true }]);
    const after = await service.get(found!.customer, found!.target, 50);
    expect(after.closest.map((c) => c.id)).not.toContain(found!.named);
    // Still counted, as the database query counts opted-out connections.
    expect(after.engaged).toBe(before.engaged);
  });
});
