/**
 * Operations: request ids taken from the caller and echoed; a graceful stop that refuses new work
 * with 503 and parks the running analytics run and import as resumable; the event-loop pressure
 * guard answering 503 problem+json with Retry-After while /health stays exempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, clearDatabase, createTestApp, post, type TestContext } from './helpers.js';

describe('request ids', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => ctx.close());

  it('echoes a valid x-request-id and replaces an invalid one', async () => {
    const given = await ctx.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'checkout-7f3a:42' } });
    expect(given.headers['x-request-id']).toBe('checkout-7f3a:42');
    const problem = await ctx.app.inject({ method: 'GET', url: '/v1/nowhere', headers: { ...auth('read'), 'x-request-id': 'trace.1' } });
    expect(problem.statusCode).toBe(404);
    expect(problem.headers['x-request-id']).toBe('trace.1');
    for (const bad of ['has space', 'x'.repeat(129), 'quote"d', '<script>']) {
      const res = await ctx.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': bad } });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const none = await ctx.app.inject({ method: 'GET', url: '/health' });
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('graceful stop', () => {
  let ctx: TestContext;
  let next: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ IMPORT_BATCH_SIZE: '1' });
    next = await createTestApp();
    await clearDatabase(ctx.db);
    await ctx.db.autoCommit(`MATCH (l:Lease) DETACH DELETE l`);
    await post(ctx, 'customers', Array.from({ length: 12 }, (_, i) => ({ id: `g${i}` })));
    await post(ctx, 'ties', Array.from({ length: 11 }, (_, i) => ({ from: `g${i}`, to: `g${i + 1}`, kind: 'KNOWS' })));
  });
  afterAll(async () => {
    await ctx.close();
    await next.close();
  });

  it('refuses new work, parks the running run and import as resumable, and they resume elsewhere', async () => {
    let open!: () => void;
    let reached!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    const run = await ctx.app.services.runs.start({ algorithms: ['degree', 'pagerank'] }, {
      onPublishBatch: async () => {
        reached();
        await opened;
      },
    });
    await arrived;
    const rows = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `imp${i}` })).join('\n');
    const upload = await ctx.app.inject({
      method: 'POST',
      url: '/v1/imports/customers',
      headers: { ...auth('write'), 'content-type': 'application/x-ndjson' },
      payload: rows,
    });
    expect(upload.statusCode, upload.body).toBe(202);
    const jobId = upload.json().id as string;

    const drained = ctx.app.drain();
    const refusedRun = await ctx.app.inject({ method: 'POST', url: '/v1/analytics/runs', headers: auth('write'), payload: {} });
    expect(refusedRun.statusCode).toBe(503);
    expect(refusedRun.headers['content-type']).toContain('application/problem+json');
    expect(refusedRun.headers['retry-after']).toBeDefined();
    expect(refusedRun.json()).toMatchObject({ code: 'SERVICE_STOPPING', retriable: true });
    const refusedImport = await ctx.app.inject({
      method: 'POST',
      url: '/v1/imports/customers',
      headers: { ...auth('write'), 'content-type': 'application/x-ndjson' },
      payload: '{"id":"late"}',
    });
    expect(refusedImport.statusCode).toBe(503);
    expect((await ctx.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
    // Reads are still answered while the stop goes on.
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/analytics/runs/${run.id}`, headers: auth('read') })).statusCode).toBe(200);

    open();
    await drained;
    const parkedRun = await next.app.services.runs.get(run.id);
    expect(parkedRun.status).toBe('interrupted');
    const lease = await ctx.db.autoCommit(`MATCH (l:Lease {name: 'analytics'}) RETURN l.runId AS runId`);
    expect(lease.records[0].get('runId')).toBeNull();
    const parkedJob = await next.app.services.imports.get(jobId);
    expect(parkedJob.status).toBe('interrupted');
    expect(parkedJob.rowsWritten).toBeLessThan(3000);

    // Another process picks both up: the import resumes to the same end, a new run completes.
    await next.app.services.imports.resume(jobId);
    expect((await next.app.services.imports.wait(jobId)).status).toBe('completed');
    const count = await next.db.autoCommit(`MATCH (c:Customer) WHERE c.id STARTS WITH 'imp' RETURN count(c) AS n`);
    expect(count.records[0].get('n').toNumber()).toBe(3000);
    const again = await next.app.services.runs.start({ algorithms: ['degree'] });
    expect((await next.app.services.runs.wait(again.id)).status).toBe('completed');
  });
});

describe('pressure guard', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    // Any heap is above one byte: the guard trips at its first sample.
    ctx = await createTestApp({ PRESSURE_MAX_HEAP_USED_BYTES: '1' });
  });
  afterAll(async () => ctx.close());

  it('answers 503 problem+json with Retry-After, and /health stays exempt and says so', async () => {
    let res = await ctx.app.inject({ method: 'GET', url: '/v1/customers', headers: auth('read') });
    for (let i = 0; i < 100 && res.statusCode !== 503; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      res = await ctx.app.inject({ method: 'GET', url: '/v1/customers', headers: auth('read') });
    }
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json()).toMatchObject({ code: 'UNDER_PRESSURE', retriable: true });
    const health = await ctx.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json().underPressure).toBe(true);
  });

  it('does not trip with the default limits', async () => {
    const calm = await createTestApp();
    try {
      const res = await calm.app.inject({ method: 'GET', url: '/health' });
      expect(res.json().underPressure).toBe(false);
    } finally {
      await calm.close();
    }
  });
});
