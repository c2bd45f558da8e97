/** Shared pieces of the integration tests: the real test database, an app wired to it, API keys. */
import { expect, inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { ApiKeyRegistry, hashApiKey } from '../../src/domain/api-keys.js';
import { GraphDatabase } from '../../src/graph/database.js';

export const KEYS = { read: 'test-read-key', write: 'test-write-key', admin: 'test-admin-key' } as const;

export const auth = (scope: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[scope]}` });

export function testConfig(env: Record<string, string> = {}): Config {
  const { uri, user, password } = inject('neo4j');
  return loadConfig({
    LOG_LEVEL: 'silent',
    NEO4J_URI: uri,
    NEO4J_USER: user,
    NEO4J_PASSWORD: password,
    DEMO_DATA: 'false',
    API_KEYS: Object.entries(KEYS)
      .map(([scope, key]) => `${scope}-client:${scope}:${hashApiKey(key)}`)
      .join(','),
    ...env,
  });
}

export function testDatabase(config: Config = testConfig()): GraphDatabase {
  return new GraphDatabase({ uri: config.NEO4J_URI!, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD });
}

export interface TestContext {
  app: FastifyInstance;
  db: GraphDatabase;
  config: Config;
  close(): Promise<void>;
}

/** An app on the shared test database with the schema applied. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestContext> {
  const config = testConfig(env);
  const db = testDatabase(config);
  const app = await buildApp(config, { db, apiKeys: new ApiKeyRegistry(config.API_KEYS ?? []), logger: false });
  await app.ready();
  await app.readiness.ensureSchema();
  return {
    app,
    db,
    config,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}

/** Removes every node and relationship (the schema stays). */
export async function clearDatabase(db: GraphDatabase): Promise<void> {
  await db.autoCommit('MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
}

/** Loads rows of one kind through the bulk API and expects them accepted. */
export async function post(ctx: TestContext, kind: string, rows: object[]): Promise<void> {
  const res = await ctx.app.inject({ method: 'POST', url: `/v1/${kind}/bulk`, headers: auth('write'), payload: rows });
  expect(res.statusCode, res.body).toBe(200);
}

/** Runs analytics to the end and expects it completed. */
export async function analyse(ctx: TestContext, body: object = {}) {
  const run = await ctx.app.services.runs.start(body);
  const done = await ctx.app.services.runs.wait(run.id);
  expect(done.status, done.message).toBe('completed');
  // The map layout a completed run starts in the background is stored before the test goes on, so
  // no test sees its node appear midway (tests that count nodes rely on it).
  await ctx.app.services.layouts.layout();
  return done;
}

/** GET with a read key. */
export const get = (ctx: TestContext, url: string) => ctx.app.inject({ method: 'GET', url, headers: auth('read') });

/** A score of every customer from the latest completed run's kept results (every score is there). */
export async function runScores(ctx: TestContext, field: string): Promise<Map<string, number>> {
  const result = await ctx.db.autoCommit(
    `MATCH (r:AnalyticsRun {status: 'completed'})-[:HAS_RESULTS]->(res:RunResults)
     WITH res ORDER BY r.finishedAt DESC LIMIT 1
     MATCH (res)-[:HAS_BLOCK]->(b:RunResultsBlock)
     RETURN b.customerIds AS ids, b[$field] AS values ORDER BY b.index`,
    { field },
  );
  const scores = new Map<string, number>();
  for (const record of result.records) {
    const ids = record.get('ids') as string[];
    const values = record.get('values') as unknown[];
    ids.forEach((id, i) => scores.set(id, Number(values[i])));
  }
  return scores;
}
