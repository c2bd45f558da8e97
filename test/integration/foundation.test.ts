import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ApiKeyRegistry } from '../../src/domain/api-keys.js';
import { GraphDatabase } from '../../src/graph/database.js';
import { freePort, startEmbeddedNeo4j } from '../../src/neo4j/embedded.js';
import { auth, createTestApp, testConfig, type TestContext } from './helpers.js';

describe('health, readiness, auth and the error model', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => ctx.close());

  it('GET /health answers without a key', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('ok');
  });

  it('GET /ready is 200 when the database answers and the schema is applied', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', database: 'up', schema: 'applied' });
    const constraints = await ctx.db.autoCommit('SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names');
    expect(constraints.records[0].get('names')).toContain('customer_id');
  });

  it('answers 401 without a key and with a wrong key, as problem+json', async () => {
    const none = await ctx.app.inject({ method: 'GET', url: '/v1/me' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const wrong = await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
  });

  it('accepts the key in Authorization: Bearer and in X-API-Key', async () => {
    const bearer = await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: auth('read') });
    expect(bearer.statusCode).toBe(200);
    expect(bearer.json()).toEqual({ name: 'read-client', scope: 'read' });
    const header = await ctx.app.inject({ method: 'GET', url: '/v1/me', headers: { 'x-api-key': 'test-admin-key' } });
    expect(header.json()).toEqual({ name: 'admin-client', scope: 'admin' });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', status: 404, title: 'Not Found' });
  });

  it('serves the OpenAPI document and Swagger UI at /docs', async () => {
    const json = await ctx.app.inject({ method: 'GET', url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(json.json().paths['/v1/me']).toBeDefined();
    const ui = await ctx.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });
});

describe('readiness follows the database going away and coming back', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'ig-restart-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('turns 503 while Neo4j is down and 200 again after it restarts, without an app restart', async () => {
    const port = await freePort();
    const password = 'restart-password';
    let neo4j = await startEmbeddedNeo4j({ home, port, password, heap: '512m', pagecache: '64m' });
    const config = testConfig({ NEO4J_URI: neo4j.uri, NEO4J_PASSWORD: password });
    const db = new GraphDatabase({ uri: neo4j.uri, user: 'neo4j', password });
    const app = await buildApp(config, { db, apiKeys: new ApiKeyRegistry([]), logger: false });
    try {
      expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);

      await neo4j.stop();
      const down = await app.inject({ method: 'GET', url: '/ready' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ code: 'NOT_READY', retriable: true });
      expect(down.json().detail).not.toMatch(/Neo4j|bolt|ECONNREFUSED/i);
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);

      neo4j = await startEmbeddedNeo4j({ home, port, password, heap: '512m', pagecache: '64m' });
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
        status = (await app.inject({ method: 'GET', url: '/ready' })).statusCode;
        if (status !== 200) await new Promise((r) => setTimeout(r, 500));
      }
      expect(status).toBe(200);
    } finally {
      await app.close();
      await db.close();
      await neo4j.stop();
    }
  });
});
