/**
 * Real data through the write API: partial updates (JSON merge patch), integer ids and epoch times,
 * offsets the database cannot store, onInvalid=skip, every problem in one answer, 415 for NDJSON
 * sent as JSON; and import jobs that resume once, keep uploads only while they can resume, and
 * forget an erased customer.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auth, clearDatabase, createTestApp, type TestContext } from './helpers.js';

const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('real data through the write API', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ IMPORT_BATCH_SIZE: '100', DATA_DIR: `/tmp/ig-real-data-test-${process.pid}` });
  });
  afterAll(async () => ctx.close());
  beforeEach(async () => clearDatabase(ctx.db));

  const write = (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: unknown, contentType = 'application/json') =>
    ctx.app.inject({ method, url, headers: { ...auth('write'), 'content-type': contentType }, payload: JSON.stringify(payload) });
  const read = (url: string) => ctx.app.inject({ method: 'GET', url, headers: auth('read') });
  const upload = (kind: string, body: string, query = '', contentType = 'application/x-ndjson') =>
    ctx.app.inject({ method: 'POST', url: `/v1/imports/${kind}${query}`, headers: { ...auth('write'), 'content-type': contentType }, payload: body });
  const customerCount = async () => (await ctx.db.autoCommit('MATCH (c:Customer) RETURN count(c) AS n')).records[0].get('n').toNumber();

  describe('PATCH', () => {
    beforeEach(async () => {
      const res = await write('PUT', '/v1/customers/a', {
        name: 'Ada',
        segment: 'vip',
        region: 'eu',
        createdAt: '2024-01-02T03:04:05Z',
        attributes: { tier: 'gold', visits: 3 },
      });
      expect(res.statusCode).toBe(200);
    });

    it('opts a customer out without touching the other fields, and is idempotent', async () => {
      for (let i = 0; i < 2; i++) {
        const res = await write('PATCH', '/v1/customers/a', { optedOut: true }, 'application/merge-patch+json');
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ received: 1, created: 0, updated: 1 });
      }
      expect((await read('/v1/customers/a')).json().properties).toEqual({
        id: 'a',
        name: 'Ada',
        segment: 'vip',
        region: 'eu',
        optedOut: true,
        createdAt: '2024-01-02T03:04:05.000Z',
        attributes: { tier: 'gold', visits: 3 },
      });
    });

    it('merges objects, and null removes a field or an attribute', async () => {
      const res = await write('PATCH', '/v1/customers/a', { region: null, attributes: { visits: null, plan: 'pro' } });
      expect(res.statusCode).toBe(200);
      const props = (await read('/v1/customers/a')).json().properties;
      expect(props).not.toHaveProperty('region');
      expect(props.attributes).toEqual({ tier: 'gold', plan: 'pro' });
      expect(props.name).toBe('Ada');
    });

    it('answers 404 for an entity that does not exist and writes nothing', async () => {
      const res = await write('PATCH', '/v1/customers/nobody', { optedOut: true });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND', detail: "Customer 'nobody' does not exist" });
      expect(await customerCount()).toBe(1);
    });

    it('validates the merged record like PUT, naming each field', async () => {
      const res = await write('PATCH', '/v1/customers/a', { optedOut: 'yes', createdAt: '2020-01-01T00:00:00+23:00', unknown: 1 });
      expect(res.statusCode).toBe(400);
      const paths = res.json().errors.map((e: { path: unknown[] }) => e.path.join('.'));
      expect(paths).toEqual(expect.arrayContaining(['body.optedOut', 'body.createdAt', 'body']));
      expect((await read('/v1/customers/a')).json().properties.optedOut).toBe(false);
      const campaign = await write('PUT', '/v1/campaigns/k', { name: 'K', startsAt: '2026-01-01T00:00:00Z' });
      expect(campaign.statusCode).toBe(200);
      const bad = await write('PATCH', '/v1/campaigns/k', { endsAt: '2025-01-01T00:00:00Z' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toEqual(['body', 'endsAt']);
      const unknownNull = await write('PATCH', '/v1/customers/a', { name: 'A', 'no such field': null });
      expect(unknownNull.statusCode).toBe(400);
      expect((await read('/v1/customers/a')).json().properties.name).not.toBe('A');
    });

    it('needs the write scope', async () => {
      const res = await ctx.app.inject({ method: 'PATCH', url: '/v1/customers/a', headers: auth('read'), payload: { optedOut: true } });
      expect(res.statusCode).toBe(403);
    });
  });

  it('PUT is full replacement: fields not sent are removed', async () => {
    await write('PUT', '/v1/customers/a', { name: 'Ada', region: 'eu' });
    await write('PUT', '/v1/customers/a', { optedOut: true });
    const props = (await read('/v1/customers/a')).json().properties;
    expect(props).toEqual({ id: 'a', optedOut: true });
  });

  it('accepts integer ids (stored as text) and epoch seconds and milliseconds', async () => {
    const customers = await write('POST', '/v1/customers/bulk', [
      { id: 7, createdAt: 1_600_000_000 },
      { id: '8', createdAt: 1_600_000_000_123 },
    ]);
    expect(customers.statusCode).toBe(200);
    const interactions = await write('POST', '/v1/interactions/bulk', [{ from: 7, to: 8, kind: 'reply', at: 1_700_000_000 }]);
    expect(interactions.json()).toMatchObject({ created: 1 });
    // The same event with its time as text is the same event.
    const again = await write('POST', '/v1/interactions/bulk', [{ from: '7', to: '8', kind: 'reply', at: '2023-11-14T22:13:20Z' }]);
    expect(again.json()).toMatchObject({ created: 0, updated: 1 });
    expect((await read('/v1/customers/7')).json().properties.createdAt).toBe('2020-09-13T12:26:40.000Z');
    expect((await read('/v1/customers/8')).json().properties.createdAt).toBe('2020-09-13T12:26:40.123Z');
    const rel = await ctx.db.autoCommit('MATCH (a:Customer)-[i:INTERACTED]->(b:Customer) RETURN a.id AS a, b.id AS b, toString(i.at) AS at');
    expect(rel.records.map((r) => [r.get('a'), r.get('b'), r.get('at')])).toEqual([['7', '8', '2023-11-14T22:13:20Z']]);
  });

  it('refuses an offset beyond ±18:00 with row and field, in bulk and in imports, writing nothing', async () => {
    const res = await write('POST', '/v1/customers/bulk', [{ id: 'ok' }, { id: 'bad', createdAt: '2020-01-01T00:00:00+23:00' }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ path: ['body', 1, 'createdAt'] })]);
    const rows = Array.from({ length: 250 }, (_, i) => ({ id: `u${i}`, createdAt: i === 240 ? '2020-01-01T00:00:00+23:00' : '2020-01-01T00:00:00Z' }));
    const job = await ctx.app.services.imports.wait((await upload('customers', ndjson(rows))).json().id);
    expect(job.status).toBe('rejected');
    expect(job.errors).toEqual([expect.objectContaining({ path: ['line', 241, 'createdAt'] })]);
    expect(await customerCount()).toBe(0);
  });

  it('refuses a time with more than nine fraction digits (the database keeps nanoseconds) with row and field', async () => {
    const res = await write('POST', '/v1/customers/bulk', [{ id: 'ok' }, { id: 'bad', createdAt: '2020-01-01T00:00:00.1234567891Z' }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ path: ['body', 1, 'createdAt'] })]);
    expect(await customerCount()).toBe(0);
    const nine = await write('POST', '/v1/customers/bulk', [{ id: 'ok', createdAt: '2020-01-01T00:00:00.123456789Z' }]);
    expect(nine.statusCode).toBe(200);
  });

  it('reports schema problems and unresolved references in one answer', async () => {
    await write('POST', '/v1/customers/bulk', [{ id: 'a' }, { id: 'b' }]);
    const res = await write('POST', '/v1/ties/bulk', [
      { from: 'a', to: 'b', kind: 'FOLLOWS' },
      { from: 'a', to: 'a', kind: 'FOLLOWS' },
      { from: 'a', to: 'ghost', kind: 'KNOWS' },
      { from: 'a', to: 'b', kind: 'LIKES' },
    ]);
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: unknown[] }) => e.path.join('.'));
    expect(paths.sort()).toEqual(['body.1.to', 'body.2.to', 'body.3.kind']);
    expect((await ctx.db.autoCommit('MATCH ()-[t:FOLLOWS|KNOWS]->() RETURN count(t) AS n')).records[0].get('n').toNumber()).toBe(0);
  });

  it('onInvalid=skip writes the valid rows and returns every skipped row with its reason', async () => {
    await write('POST', '/v1/customers/bulk', [{ id: 'a' }, { id: 'b' }]);
    const res = await write('POST', '/v1/ties/bulk?onInvalid=skip', [
      { from: 'a', to: 'b', kind: 'FOLLOWS' },
      { from: 'b', to: 'b', kind: 'FOLLOWS' },
      { from: 'a', to: 'ghost', kind: 'KNOWS' },
      { from: 'b', to: 'a', kind: 'KNOWS' },
      { from: 'ghost', to: 'a', kind: 'FOLLOWS' },
    ]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ received: 5, created: 2 });
    expect(body.skipped.map((s: { row: number }) => s.row)).toEqual([1, 2, 4]);
    expect(body.skipped[0].errors[0]).toMatchObject({ path: ['body', 1, 'to'], message: 'a customer cannot tie to themselves' });
    expect(body.skipped[1].errors[0].message).toContain("'ghost' does not exist");
    // The same under an import job.
    const job = await ctx.app.services.imports.wait(
      (await upload('customers', ndjson([{ id: 'c' }, { id: 'd', optedOut: 'maybe' }, { id: 'e' }]), '?onInvalid=skip')).json().id,
    );
    expect(job).toMatchObject({ status: 'completed', rowsWritten: 2, rowsSkipped: 1 });
    expect(job.errors).toEqual([expect.objectContaining({ path: ['line', 2, 'optedOut'] })]);
    expect(await customerCount()).toBe(4);
  });

  it('answers 415 naming the expected type for NDJSON sent as JSON, and for other types', async () => {
    const lines = ndjson([{ id: 'a' }, { id: 'b' }]);
    const bulk = await ctx.app.inject({
      method: 'POST',
      url: '/v1/customers/bulk',
      headers: { ...auth('write'), 'content-type': 'application/json' },
      payload: lines,
    });
    expect(bulk.statusCode).toBe(415);
    expect(bulk.json().detail).toContain('application/x-ndjson');
    const imported = await upload('customers', lines, '', 'application/json');
    expect(imported.statusCode).toBe(415);
    expect(imported.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(imported.json().detail).toContain('application/x-ndjson');
    const csv = await ctx.app.inject({ method: 'POST', url: '/v1/customers/bulk', headers: { ...auth('write'), 'content-type': 'text/csv' }, payload: 'id\na' });
    expect(csv.statusCode).toBe(415);
    expect(csv.json().detail).toContain('application/json');
    expect(await customerCount()).toBe(0);
  });

  describe('import jobs', () => {
    const spool = (id: string) => path.join(ctx.config.DATA_DIR, 'imports', `${id}.ndjson`);

    it('deletes the upload of a finished job', async () => {
      const id = (await upload('customers', ndjson([{ id: 'a' }]))).json().id;
      expect((await ctx.app.services.imports.wait(id)).status).toBe('completed');
      expect(existsSync(spool(id))).toBe(false);
      const rejected = (await upload('customers', ndjson([{ id: 'has space' }]))).json().id;
      expect((await ctx.app.services.imports.wait(rejected)).status).toBe('rejected');
      expect(existsSync(spool(rejected))).toBe(false);
    });

    /** A job left resumable (as a cancel or a stop leaves it), with its upload kept. */
    async function resumableJob(rows: object[], kind = 'customers') {
      const id = (await upload(kind, ndjson(rows))).json().id;
      await ctx.app.services.imports.wait(id);
      await ctx.db.autoCommit("MATCH (j:ImportJob {id: $id}) SET j.status = 'interrupted'", { id });
      writeFileSync(spool(id), ndjson(rows), { mode: 0o600 });
      return id;
    }

    it('keeps the upload of a resumable job with mode 600, and sweeps it after the retention', async () => {
      const rows = Array.from({ length: 3000 }, (_, i) => ({ id: `u${i}` }));
      const id = (await upload('customers', ndjson(rows))).json().id;
      const cancelled = await ctx.app.inject({ method: 'DELETE', url: `/v1/imports/${id}`, headers: auth('write') });
      expect(cancelled.json().status).toBe('cancelled');
      // Kept for a resume, readable by the service only.
      expect(statSync(spool(id)).mode & 0o777).toBe(0o600);
      expect(await ctx.app.services.imports.sweep()).toBe(0);
      expect(existsSync(spool(id))).toBe(true);
      expect(await ctx.app.services.imports.sweep(Date.now() + 73 * 3_600_000)).toBe(1);
      expect(existsSync(spool(id))).toBe(false);
      const res = await ctx.app.inject({ method: 'POST', url: `/v1/imports/${id}/resume`, headers: auth('write') });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('JOB_FILE_GONE');
    });

    it('starts a resume once however many calls race', async () => {
      const rows = Array.from({ length: 300 }, (_, i) => ({ id: `u${i}` }));
      const id = await resumableJob(rows);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => ctx.app.inject({ method: 'POST', url: `/v1/imports/${id}/resume`, headers: auth('write') })),
      );
      const codes = answers.map((a) => a.statusCode).sort();
      expect(codes.filter((c) => c === 202)).toHaveLength(1);
      expect(codes.filter((c) => c === 409)).toHaveLength(19);
      const job = await ctx.app.services.imports.wait(id);
      expect(job).toMatchObject({ status: 'completed', rowsWritten: 300 });
      expect(await customerCount()).toBe(300);
    });

    it('forgetCustomer removes an erased customer from kept uploads', async () => {
      await write('POST', '/v1/customers/bulk', [{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
      const customers = await resumableJob([{ id: 'a' }, { id: 'zed', name: 'mentions zed' }, { id: 'b' }]);
      const ties = await resumableJob(
        [
          { from: 'a', to: 'b', kind: 'FOLLOWS' },
          { from: 'zed', to: 'a', kind: 'FOLLOWS' },
          { from: 'c', to: 'zed', kind: 'KNOWS' },
        ],
        'ties',
      );
      expect(await ctx.app.services.imports.forgetCustomer('zed')).toBe(3);
      expect(readFileSync(spool(customers), 'utf8')).toBe(ndjson([{ id: 'a' }, { id: 'b' }]));
      expect(readFileSync(spool(ties), 'utf8')).toBe(ndjson([{ from: 'a', to: 'b', kind: 'FOLLOWS' }]));
      expect(statSync(spool(ties)).mode & 0o777).toBe(0o600);
      // Erasing through the API reaches the kept uploads too.
      const erased = await ctx.app.inject({ method: 'DELETE', url: '/v1/customers/a', headers: auth('admin') });
      expect(erased.statusCode).toBe(200);
      expect(readFileSync(spool(ties), 'utf8')).toBe('');
      expect(readFileSync(spool(customers), 'utf8')).toBe(ndjson([{ id: 'b' }]));
    });
  });
});
