import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auth, clearDatabase, createTestApp, type TestContext } from './helpers.js';

const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const customers = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${i}`, region: i % 3 ? 'eu' : 'us' }));
/** A ring plus chords: 3 ties per customer, all distinct. */
const ties = (n: number) =>
  Array.from({ length: n }, (_, i) => [
    { from: `u${i}`, to: `u${(i + 1) % n}`, kind: 'FOLLOWS' },
    { from: `u${i}`, to: `u${(i + 7) % n}`, kind: 'FOLLOWS', weight: 0.3 },
    { from: `u${i}`, to: `u${(i + 13) % n}`, kind: 'KNOWS' },
  ]).flat();

async function graphCounts(ctx: TestContext) {
  const r = await ctx.db.autoCommit(`
    CALL { MATCH (c:Customer) RETURN count(c) AS customers }
    CALL { MATCH (:Customer)-[t:FOLLOWS]->(:Customer) RETURN count(t) AS follows }
    CALL { MATCH (:Customer)-[t:KNOWS]->(:Customer) RETURN count(t) AS knows }
    RETURN customers, follows, knows`);
  const rec = r.records[0];
  return { customers: rec.get('customers').toNumber(), follows: rec.get('follows').toNumber(), knows: rec.get('knows').toNumber() };
}

async function upload(ctx: TestContext, kind: string, body: string) {
  return ctx.app.inject({
    method: 'POST',
    url: `/v1/imports/${kind}`,
    headers: { ...auth('write'), 'content-type': 'application/x-ndjson' },
    payload: body,
  });
}

async function finished(ctx: TestContext, id: string) {
  return ctx.app.services.imports.wait(id);
}

describe('NDJSON imports', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ IMPORT_BATCH_SIZE: '100', DATA_DIR: `/tmp/ig-import-test-${process.pid}`, IMPORT_MAX_BYTES: '200000' });
  });
  afterAll(async () => ctx.close());
  beforeEach(async () => clearDatabase(ctx.db));

  it('imports customers then ties as jobs with progress and counts', async () => {
    const res = await upload(ctx, 'customers', ndjson(customers(300)));
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe(`/v1/imports/${res.json().id}`);
    const job = await finished(ctx, res.json().id);
    expect(job).toMatchObject({ status: 'completed', rowsTotal: 300, rowsWritten: 300, created: 300, errorCount: 0 });

    const tieJob = await finished(ctx, (await upload(ctx, 'ties', ndjson(ties(300)))).json().id);
    expect(tieJob).toMatchObject({ status: 'completed', rowsWritten: 900, created: 900 });
    const viaApi = await ctx.app.inject({ method: 'GET', url: `/v1/imports/${tieJob.id}`, headers: auth('read') });
    expect(viaApi.json()).toMatchObject({ id: tieJob.id, status: 'completed', bytesRead: tieJob.bytesTotal });
    expect(await graphCounts(ctx)).toEqual({ customers: 300, follows: 600, knows: 300 });
    const list = await ctx.app.inject({ method: 'GET', url: '/v1/imports', headers: auth('read') });
    expect(list.json().items.length).toBeGreaterThanOrEqual(2);
  });

  it('validates every line first: one bad line rejects the job, names line and field, writes nothing', async () => {
    const rows: unknown[] = customers(250);
    const lines = ndjson(rows as object[]).split('\n');
    lines[10] = '{"id": "bad", "optedOut": "perhaps"}';
    lines[200] = '{not json';
    const res = await upload(ctx, 'customers', lines.join('\n'));
    const job = await finished(ctx, res.json().id);
    expect(job.status).toBe('rejected');
    expect(job.errorCount).toBe(2);
    expect(job.errors).toEqual([
      expect.objectContaining({ path: ['line', 11, 'optedOut'] }),
      expect.objectContaining({ path: ['line', 201], code: 'invalid_json' }),
    ]);
    expect((await graphCounts(ctx)).customers).toBe(0);
  });

  it('rejects ties whose customers do not exist, naming the line', async () => {
    await finished(ctx, (await upload(ctx, 'customers', ndjson(customers(10)))).json().id);
    const job = await finished(ctx, (await upload(ctx, 'ties', ndjson([{ from: 'u1', to: 'u2', kind: 'FOLLOWS' }, { from: 'u1', to: 'zz', kind: 'KNOWS' }]))).json().id);
    expect(job.status).toBe('rejected');
    expect(job.errors).toEqual([{ path: ['line', 2, 'to'], message: "customer 'zz' does not exist", code: 'unknown_reference' }]);
    expect((await graphCounts(ctx)).follows).toBe(0);
  });

  it('an import interrupted while writing completes on resume with exactly the same final data', async () => {
    await finished(ctx, (await upload(ctx, 'customers', ndjson(customers(400)))).json().id);
    const reference = await (async () => {
      const job = await finished(ctx, (await upload(ctx, 'ties', ndjson(ties(400)))).json().id);
      expect(job.status).toBe('completed');
      return graphCounts(ctx);
    })();
    expect(reference).toEqual({ customers: 400, follows: 800, knows: 400 });
    await clearDatabase(ctx.db);
    await finished(ctx, (await upload(ctx, 'customers', ndjson(customers(400)))).json().id);

    const started = await upload(ctx, 'ties', ndjson(ties(400)));
    const id = started.json().id as string;
    // Cancel as soon as the first batches have landed.
    let job = await ctx.app.services.imports.get(id);
    while (job.rowsWritten === 0 && job.status !== 'completed') {
      await new Promise((r) => setTimeout(r, 5));
      job = await ctx.app.services.imports.get(id);
    }
    const cancelled = await ctx.app.inject({ method: 'DELETE', url: `/v1/imports/${id}`, headers: auth('write') });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    expect(cancelled.json().rowsWritten).toBeGreaterThan(0);
    expect(cancelled.json().rowsWritten).toBeLessThan(1200);
    const partial = await graphCounts(ctx);
    expect(partial.follows + partial.knows).toBe(cancelled.json().rowsWritten);

    const resumed = await ctx.app.inject({ method: 'POST', url: `/v1/imports/${id}/resume`, headers: auth('write') });
    expect(resumed.statusCode).toBe(202);
    expect((await finished(ctx, id)).status).toBe('completed');
    expect(await graphCounts(ctx)).toEqual(reference);
    // Running the whole file once more changes nothing either.
    const again = await finished(ctx, (await upload(ctx, 'ties', ndjson(ties(400)))).json().id);
    expect(again).toMatchObject({ status: 'completed', created: 0 });
    expect(await graphCounts(ctx)).toEqual(reference);
  });

  it('marks jobs left running by a killed process as interrupted, and resumes them', async () => {
    await finished(ctx, (await upload(ctx, 'customers', ndjson(customers(50)))).json().id);
    const job = await finished(ctx, (await upload(ctx, 'ties', ndjson(ties(50)))).json().id);
    // What a kill -9 mid-write leaves behind: the job node still says "writing", and its upload is kept.
    await ctx.db.autoCommit("MATCH (j:ImportJob {id: $id}) SET j.status = 'writing', j.rowsWritten = 100", { id: job.id });
    writeFileSync(path.join(ctx.config.DATA_DIR, 'imports', `${job.id}.ndjson`), ndjson(ties(50)), { mode: 0o600 });
    expect(await ctx.app.services.imports.recover()).toBe(1);
    expect((await ctx.app.services.imports.get(job.id)).status).toBe('interrupted');
    await ctx.app.services.imports.resume(job.id);
    expect(await finished(ctx, job.id)).toMatchObject({ status: 'completed', rowsWritten: 150 });
    const conflict = await ctx.app.inject({ method: 'POST', url: `/v1/imports/${job.id}/resume`, headers: auth('write') });
    expect(conflict.statusCode).toBe(409);
  });

  it('answers 413 above the import size limit and 415 for another content type', async () => {
    const big = ndjson(Array.from({ length: 5000 }, (_, i) => ({ id: `big-customer-${i}`, name: 'x'.repeat(40) })));
    const res = await upload(ctx, 'customers', big);
    expect(res.statusCode).toBe(413);
    const wrongType = await ctx.app.inject({
      method: 'POST',
      url: '/v1/imports/customers',
      headers: { ...auth('write'), 'content-type': 'text/csv' },
      payload: 'id\nx\n',
    });
    expect(wrongType.statusCode).toBe(415);
    expect((await graphCounts(ctx)).customers).toBe(0);
  });
});
