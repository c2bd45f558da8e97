/**
 * The initial load (Neo4j's bulk importer on an empty database) writes the same graph as the REST
 * ingest of the same generated base: the same nodes, relationships, property values and types, and
 * the same super users after an analytics run. Bad input and a non-empty database are refused.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ApiKeyRegistry } from '../../src/domain/api-keys.js';
import { KINDS, type KindName } from '../../src/domain/model.js';
import { writeDataset } from '../../src/generator/generate.js';
import { toNumber, type GraphDatabase } from '../../src/graph/database.js';
import { initialLoad, InitialLoadRefused } from '../../scripts/initial-load.js';
import { analyse, auth, clearDatabase, createTestApp, testConfig, type TestContext } from './helpers.js';

const PASSWORD = 'initial-load-test';

/**
 * Every property of every node and relationship, summarised by owner, key and value type. The
 * privacy log (a change feed for running services, pruned after an hour) is left out: the REST
 * ingest appends opt-out events to it, an initial load runs with no service to read them.
 */
const FINGERPRINT = `
CALL {
  MATCH (n) WHERE NOT (n:PrivacyLog OR n:PrivacyEvent) UNWIND CASE WHEN size(keys(n)) = 0 THEN [null] ELSE keys(n) END AS k
  RETURN 'node' AS what, labels(n)[0] AS owner, '' AS ends, k, n[k] AS v
  UNION ALL
  MATCH (a)-[r]->(b) UNWIND CASE WHEN size(keys(r)) = 0 THEN [null] ELSE keys(r) END AS k
  RETURN 'rel' AS what, type(r) AS owner, labels(a)[0] + '>' + labels(b)[0] AS ends, k, r[k] AS v
}
WITH what, owner, ends, k, valueType(v) AS type, v
RETURN what, owner, ends, k, type, count(*) AS n,
  sum(CASE WHEN v IS :: FLOAT THEN round(v * 1000) WHEN v IS :: BOOLEAN AND v THEN 1 ELSE 0 END) AS num,
  sum(CASE WHEN v IS :: STRING THEN size(v) WHEN v IS :: LIST<ANY> THEN size(v) ELSE 0 END) AS len,
  sum(CASE WHEN v IS :: ZONED DATETIME THEN v.epochSeconds % 100000 + v.offsetSeconds + v.nanosecond % 997 ELSE 0 END) AS time
ORDER BY what, owner, ends, k, type`;

const EDGES = `MATCH (a)-[r]->(b) RETURN type(r) + ':' + a.id + '>' + b.id AS e ORDER BY e`;

async function fingerprint(db: GraphDatabase): Promise<{ props: unknown[]; edges: string[] }> {
  const props = (await db.autoCommit(FINGERPRINT)).records.map((r) =>
    Object.fromEntries(Object.entries(r.toObject()).map(([k, v]) => [k, typeof v === 'object' && v !== null ? toNumber(v) : v])),
  );
  const edges = (await db.autoCommit(EDGES)).records.map((r) => r.get('e') as string);
  return { props, edges };
}

async function superUsers(ctx: TestContext): Promise<{ id: string; score: number }[]> {
  await analyse(ctx, { seed: 3 });
  const res = await ctx.app.inject({ method: 'GET', url: '/v1/super-users?limit=15', headers: auth('read') });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as { id: string; influence: number; community: number | null }[]).map((u) => ({ id: u.id, score: Math.round(u.influence * 1e6) / 1e6 }));
}

describe('initial load with the bulk importer', () => {
  let work: string;
  let input: string;
  let rest: { fingerprint: Awaited<ReturnType<typeof fingerprint>>; superUsers: { id: string; score: number }[] };

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'ig-initial-load-'));
    input = path.join(work, 'base');
    await writeDataset(input, { customers: 300, seed: 5 });
    // The same base through the REST ingest, on the shared test database.
    const ctx = await createTestApp();
    try {
      await clearDatabase(ctx.db);
      for (const kind of Object.keys(KINDS) as KindName[]) {
        const file = path.join(input, `${kind}.ndjson`);
        if (!existsSync(file)) continue;
        const rows = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
        await ctx.app.services.ingest.ingestStream(kind, rows, 2000);
      }
      const fp = await fingerprint(ctx.db);
      rest = { fingerprint: fp, superUsers: await superUsers(ctx) };
      await clearDatabase(ctx.db);
    } finally {
      await ctx.close();
    }
  }, 240_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes the graph the REST ingest writes, the service works on it at once, and a second load is refused', async () => {
    const home = path.join(work, 'home');
    let loaded: typeof rest | undefined;
    const result = await initialLoad({
      inputDir: input,
      home,
      password: PASSWORD,
      heap: '512m',
      pagecache: '128m',
      afterSchema: async (db, uri) => {
        const fp = await fingerprint(db);
        const config = testConfig({ NEO4J_URI: uri, NEO4J_PASSWORD: PASSWORD });
        const app = await buildApp(config, { db, apiKeys: new ApiKeyRegistry(config.API_KEYS ?? []), logger: false });
        try {
          await app.ready();
          await app.readiness.ensureSchema();
          loaded = { fingerprint: fp, superUsers: await superUsers({ app, db, config, close: async () => undefined }) };
        } finally {
          await app.close();
        }
      },
    });
    expect(result.nodes).toBeGreaterThan(300);
    expect(loaded!.fingerprint.edges).toEqual(rest.fingerprint.edges);
    expect(loaded!.fingerprint.props).toEqual(rest.fingerprint.props);
    expect(loaded!.superUsers.length).toBeGreaterThan(0);
    expect(loaded!.superUsers).toEqual(rest.superUsers);

    const again = await initialLoad({ inputDir: input, home, password: PASSWORD, heap: '512m', pagecache: '128m' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(InitialLoadRefused);
    expect((again as Error).message).toMatch(/holds \d+ nodes/);
  }, 300_000);

  it('refuses input with invalid rows or unresolved references, naming file, line and field, and writes nothing', async () => {
    const dir = path.join(work, 'bad');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'customers.ndjson'), ['{"id":"c1"}', '{"id":"c2","optedOut":"yes"}', '{"id":"c3"}'].join('\n') + '\n');
    writeFileSync(path.join(dir, 'ties.csv'), 'from,to,kind\nc1,c3,FOLLOWS\nc1,nobody,KNOWS\n');
    const home = path.join(work, 'bad-home');
    const error = await initialLoad({ inputDir: dir, home, password: PASSWORD }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InitialLoadRefused);
    const paths = (error as InitialLoadRefused).problems.map((p) => p.path.join('.'));
    expect(paths).toContain('customers.ndjson.2.optedOut');
    expect(paths).toContain('ties.csv.3.to');
    expect(existsSync(path.join(home, 'data', 'databases', 'neo4j', 'neostore'))).toBe(false);
  });
});
