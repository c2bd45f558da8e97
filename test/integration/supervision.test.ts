/**
 * The embedded Neo4j under supervision: a dedicated ephemeral database is started the way the
 * product starts it, its JVM is SIGKILLed, and the service — without being rebuilt — says why it
 * is not ready, answers 503 problem+json (retriable, Retry-After) meanwhile, and serves requests
 * again once the supervisor has restarted the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { ApiKeyRegistry } from '../../src/domain/api-keys.js';
import { GraphDatabase } from '../../src/graph/database.js';
import { EmbeddedNeo4jSupervisor } from '../../src/neo4j/supervisor.js';
import { auth, testConfig } from './helpers.js';

const PASSWORD = 'supervised-password';

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, attempts = 600): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('supervised embedded Neo4j', () => {
  let supervisor: EmbeddedNeo4jSupervisor;
  let db: GraphDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    supervisor = await EmbeddedNeo4jSupervisor.start({ ephemeral: true, port: 0, password: PASSWORD, heap: '512m', pagecache: '64m', initialBackoffMs: 500 });
    const config = testConfig({ NEO4J_URI: supervisor.uri, NEO4J_PASSWORD: PASSWORD });
    db = new GraphDatabase({ uri: supervisor.uri, user: 'neo4j', password: PASSWORD, availability: supervisor });
    app = await buildApp(config, { db, apiKeys: new ApiKeyRegistry(config.API_KEYS ?? []), logger: false });
    // As src/main.ts wires it: the schema is applied again once the database is back.
    supervisor.onUp(() => {
      app.readiness.invalidate();
      app.readiness.ensureSchema().catch(() => undefined);
    });
    await app.ready();
    await app.readiness.ensureSchema();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await supervisor?.stop();
  });

  const bulk = (id: string) =>
    app.inject({ method: 'POST', url: '/v1/customers/bulk', headers: auth('write'), payload: [{ id, name: `Customer ${id}` }] });

  it('restarts a killed database and the service recovers without a restart of its own', async () => {
    expect((await bulk('before')).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    const firstPid = supervisor.pid;

    process.kill(firstPid, 'SIGKILL');
    await until('the supervisor to notice', () => (supervisor.state.status === 'restarting' ? true : undefined));

    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['content-type']).toContain('application/problem+json');
    expect(ready.headers['retry-after']).toBeDefined();
    const why = ready.json();
    expect(why.ready).toBe(false);
    expect(why.database).toMatch(/^restarting after exit code 137 \(attempt \d+\)$/);
    expect(why.detail).toContain(why.database);

    const write = await bulk('during');
    expect(write.statusCode).toBe(503);
    expect(write.headers['content-type']).toContain('application/problem+json');
    expect(write.headers['retry-after']).toBeDefined();
    expect(write.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE', retriable: true });
    const read = await app.inject({ method: 'GET', url: '/v1/customers/before', headers: auth('read') });
    expect(read.statusCode).toBe(503);
    expect(read.json().retriable).toBe(true);

    // Back: the same app (same driver) serves requests again.
    await until('readiness', async () => ((await app.inject({ method: 'GET', url: '/ready' })).statusCode === 200 ? true : undefined));
    expect(supervisor.pid).not.toBe(firstPid);
    expect(supervisor.state.status).toBe('up');
    expect((await bulk('after')).statusCode).toBe(200);
    const again = await app.inject({ method: 'GET', url: '/v1/customers/after', headers: auth('read') });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.body).toContain('Customer after');
  });
});
