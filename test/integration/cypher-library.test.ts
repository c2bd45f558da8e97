/**
 * The analysts' Cypher library: every file in cypher/analysis runs against a generated customer
 * base after two analytics runs, returns the columns its header documents, in the documented
 * order, and never lists an opted-out customer. Also the runner's pieces: header parsing,
 * parameter conversion, the single-statement and read-only rules, and the output formats.
 */
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGeneratedDataset } from '../../src/demo.js';
import { plain } from '../../src/graph/mappers.js';
import {
  convertParam,
  CypherFileError,
  formatCsv,
  formatJson,
  formatTable,
  libraryFiles,
  loadCypherFile,
  parseArgs,
  parseCypherFile,
  parseHeader,
  resolveParams,
  runCypherFile,
  runQuery,
  usedParams,
  type QueryRows,
} from '../../scripts/cypher.js';
import { clearDatabase, createTestApp, type TestContext } from './helpers.js';

type Row = Record<string, unknown>;
type Direction = 'asc' | 'desc';

/** Fails unless rows are sorted by the keys, each compared as Cypher would (numbers, then strings). */
function expectSorted(rows: Row[], keys: [(row: Row) => unknown, Direction][], label: string): void {
  const compare = (a: unknown, b: unknown) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  };
  for (let i = 1; i < rows.length; i++) {
    for (const [get, direction] of keys) {
      const c = compare(get(rows[i - 1]), get(rows[i]));
      const ordered = direction === 'asc' ? c : -c;
      expect(ordered, `${label}: rows ${i - 1} and ${i} out of order`).toBeLessThanOrEqual(0);
      if (ordered < 0) break;
    }
  }
}

const num = (key: string) => (row: Row) => (row[key] ?? 0) as number;
const str = (key: string) => (row: Row) => row[key] as string;

describe("the analysts' Cypher library on a generated customer base", () => {
  let ctx: TestContext;
  let optedOut: Set<string>;
  const NEWCOMERS = 25;
  /** A low-PageRank customer who gains many followers between the two runs. */
  let riser: string;
  let customersBefore: number;

  async function query(cypher: string, params: Record<string, unknown> = {}): Promise<Row[]> {
    const result = await ctx.db.read((tx) => tx.run(cypher, params));
    return result.records.map((r) => plain(r.toObject()) as Row);
  }
  const one = async (cypher: string, params: Record<string, unknown> = {}) => (await query(cypher, params))[0];

  async function analyticsRun(): Promise<void> {
    const run = await ctx.app.services.runs.start({});
    const done = await ctx.app.services.runs.wait(run.id);
    expect(done.status, done.message).toBe('completed');
  }

  beforeAll(async () => {
    ctx = await createTestApp();
    await clearDatabase(ctx.db);
    await loadGeneratedDataset(ctx.app.services.ingest, 1500, 7);
    await analyticsRun();
    customersBefore = (await one('MATCH (c:Customer) RETURN count(c) AS n')).n as number;

    riser = (
      await one(`
        MATCH (c:Customer)
        WHERE NOT c.optedOut AND c.community IS NOT NULL AND EXISTS { (c)-[:FOLLOWS|KNOWS]-(:Customer) }
        RETURN c.id AS id ORDER BY c.pagerank, c.id LIMIT 1`)
    ).id as string;
    const ids = Array.from({ length: NEWCOMERS }, (_, i) => `lib-new-${String(i + 1).padStart(2, '0')}`);
    const ingest = ctx.app.services.ingest;
    await ingest.ingest(
      'customers',
      ids.map((id, i) => ({ id, name: `Newcomer ${i + 1}`, segment: 'consumer', region: 'eu', optedOut: i < 5 })),
    );
    await ingest.ingest('ties', [
      ...ids.map((from) => ({ from, to: riser, kind: 'FOLLOWS' })),
      ...ids.slice(1).map((to, i) => ({ from: ids[i], to, kind: 'KNOWS' })),
    ]);
    await analyticsRun();

    optedOut = new Set((await query('MATCH (c:Customer) WHERE c.optedOut RETURN c.id AS id')).map((r) => r.id as string));
    expect(optedOut.size).toBeGreaterThan(5);
  });

  afterAll(async () => ctx?.close());

  /** Values for the required parameters of each file, chosen from the data. */
  const REQUIRED: Record<string, () => Promise<Record<string, string>>> = {
    'super-users': async () => ({ community: String((await one(TOP_CUSTOMER)).community) }),
    'community-bridges': async () => {
      const rows = await query('MATCH (c:Customer) RETURN c.community AS community, count(*) AS n ORDER BY n DESC, community LIMIT 2');
      return { communityA: String(rows[0].community), communityB: String(rows[1].community) };
    },
    'two-hop-prospects': async () => ({
      customer: (await one(MODEST_CUSTOMER)).id as string,
      product: (await one(TOP_PRODUCT)).id as string,
    }),
    'detractor-voices': async () => ({ brand: (await one('MATCH (b:Brand)<-[r:RATED]-() RETURN b.id AS id, count(r) AS n ORDER BY n DESC LIMIT 1')).id as string }),
    'content-reactions': async () => ({ content: (await one(TOP_CONTENT)).id as string }),
    'neighbourhood-clustering': async () => ({ customer: (await one(MODEST_CUSTOMER)).id as string }),
    'topic-voices': async () => ({ topic: (await one('MATCH (t:Topic)<-[:ABOUT]-(p) RETURN t.id AS id, count(p) AS n ORDER BY n DESC, id LIMIT 1')).id as string }),
    'list-members': async () => ({ list: (await influencerLists())[0] }),
    'list-overlap': async () => {
      const [listA, listB] = await influencerLists();
      return { listA, listB };
    },
  };
  /** Two overlapping influencer lists of top customers, made once. */
  let lists: Promise<string[]> | undefined;
  const influencerLists = () =>
    (lists ??= (async () => {
      const campaign = (await one('MATCH (c:Campaign) RETURN c.id AS id ORDER BY id LIMIT 1')).id as string;
      const top = (await query('MATCH (c:Customer) WHERE NOT c.optedOut RETURN c.id AS id ORDER BY c.pagerank DESC, c.id LIMIT 12')).map((r) => r.id as string);
      const make = (name: string, ids: string[]) =>
        ctx.app.services.influencerLists.create({ name, campaignId: campaign, members: ids.map((id) => ({ id, reason: 'high PageRank' })) });
      return [(await make('Top eight', top.slice(0, 8))).id, (await make('Next eight', top.slice(4, 12))).id];
    })());
  const TOP_CUSTOMER = 'MATCH (c:Customer) WHERE NOT c.optedOut RETURN c.id AS id, c.community AS community ORDER BY c.pagerank DESC, c.id LIMIT 1';
  const MODEST_CUSTOMER = `
    MATCH (c:Customer) WHERE NOT c.optedOut AND c.id STARTS WITH 'c'
    WITH c, COUNT { (c)-[:FOLLOWS|KNOWS]-(:Customer) } AS degree WHERE degree >= 12
    RETURN c.id AS id ORDER BY degree, c.id LIMIT 1`;
  const TOP_PRODUCT = "MATCH (p:Product)<-[e:ENGAGED {kind: 'purchase'}]-() RETURN p.id AS id, count(e) AS n ORDER BY n DESC, id LIMIT 1";
  const TOP_CONTENT = 'MATCH (x:Content)<-[e:ENGAGED]-() RETURN x.id AS id, count(e) AS n ORDER BY n DESC, id LIMIT 1';

  /** Runs a file with its defaults plus the required values, and checks what every file must satisfy. */
  async function runFile(name: string, extra: Record<string, string> = {}): Promise<QueryRows> {
    const file = loadCypherFile(name);
    const required = REQUIRED[name] ? await REQUIRED[name]() : {};
    const result = await runCypherFile(ctx.db, name, { ...required, ...extra });
    expect(result.columns, `${name}: columns as documented`).toEqual(file.header.columns.map((c) => c.name));
    for (const row of result.rows) {
      for (const [column, value] of Object.entries(row)) {
        const values = Array.isArray(value) ? value : [value];
        for (const v of values) {
          if (typeof v === 'string') expect(optedOut.has(v), `${name}: opted-out customer ${v} listed in ${column}`).toBe(false);
        }
      }
    }
    return result;
  }

  it('has one file per question, each with a header the runner understands', () => {
    const files = libraryFiles();
    expect(files.length).toBeGreaterThanOrEqual(8);
    expect(files.length).toBeLessThanOrEqual(14);
    for (const f of files) {
      const { header } = loadCypherFile(f);
      expect(header.question, f).toMatch(/\?$/);
      expect(header.columns.length, f).toBeGreaterThan(0);
      expect(header.order, f).toBeTruthy();
      for (const p of header.params) expect(p.description, `${f}: @param ${p.name}`).not.toBe('');
      const name = path.basename(f, '.cypher');
      const required = header.params.filter((p) => p.required).map((p) => p.name);
      if (required.length > 0) expect(REQUIRED[name], `${name} needs values for ${required.join(', ')} in this test`).toBeDefined();
    }
  });

  it.each(libraryFiles().map((f) => path.basename(f, '.cypher')))('%s runs with its defaults', async (name) => {
    const { rows } = await runFile(name);
    expect(rows.length, `${name} returns rows on the demo data`).toBeGreaterThan(0);
  });

  it('never lists an opted-out customer, even with no limit to speak of', async () => {
    for (const f of libraryFiles()) {
      const name = path.basename(f, '.cypher');
      const wide: Record<string, string> = {};
      for (const p of loadCypherFile(f).header.params) {
        if (p.name === 'limit') wide.limit = '1000000';
        if (p.name === 'days') wide.days = '36500';
      }
      await runFile(name, wide); // runFile fails on any opted-out id in any cell
    }
  });

  it('super-users: members of the community, by PageRank or by amplification', async () => {
    const { community } = await REQUIRED['super-users']();
    const { rows } = await runFile('super-users');
    expect(rows.length).toBe(20);
    expect(rows.map((r) => r.rank)).toEqual(rows.map((_, i) => i + 1));
    expect(rows[0].id).toBe((await one(TOP_CUSTOMER)).id);
    const members = await query('MATCH (c:Customer) WHERE c.id IN $ids RETURN DISTINCT c.community AS community', { ids: rows.map((r) => r.id) });
    expect(members).toEqual([{ community: Number(community) }]);
    expectSorted(rows, [[num('pagerank'), 'desc'], [num('amplificationReceived'), 'desc'], [str('id'), 'asc']], 'super-users');

    const byAmplification = await runFile('super-users', { by: 'amplification', limit: '5' });
    expect(byAmplification.rows.length).toBe(5);
    expectSorted(byAmplification.rows, [[num('amplificationReceived'), 'desc'], [num('pagerank'), 'desc'], [str('id'), 'asc']], 'by amplification');
  });

  it('community-bridges: customers tied into both communities, by betweenness', async () => {
    const { rows } = await runFile('community-bridges');
    for (const r of rows) {
      expect(r.neighboursInA as number).toBeGreaterThan(0);
      expect(r.neighboursInB as number).toBeGreaterThan(0);
    }
    expectSorted(rows, [[num('betweenness'), 'desc']], 'community-bridges');
  });

  it('two-hop-prospects: friends of friends without a purchase of the product', async () => {
    const { customer, product } = await REQUIRED['two-hop-prospects']();
    const { rows } = await runFile('two-hop-prospects');
    const ids = rows.map((r) => r.id as string);
    expect(ids).not.toContain(customer);
    const check = await one(
      `MATCH (me:Customer {id: $customer}), (prod:Product {id: $product})
       UNWIND $ids AS id MATCH (p:Customer {id: id})
       RETURN sum(CASE WHEN EXISTS { (me)-[:FOLLOWS|KNOWS]-(p) } THEN 1 ELSE 0 END) AS direct,
              sum(CASE WHEN EXISTS { (p)-[:ENGAGED {kind: 'purchase'}]->(prod) } THEN 1 ELSE 0 END) AS bought,
              sum(CASE WHEN EXISTS { (me)-[:FOLLOWS|KNOWS]-(:Customer)-[:FOLLOWS|KNOWS]-(p) } THEN 1 ELSE 0 END) AS twoHops`,
      { customer, product, ids },
    );
    expect(check).toEqual({ direct: 0, bought: 0, twoHops: ids.length });
    for (const r of rows) expect((r.via as string[]).length).toBeLessThanOrEqual(Math.min(3, r.mutuals as number));
    expectSorted(rows, [[num('mutuals'), 'desc'], [num('pagerank'), 'desc'], [str('id'), 'asc']], 'two-hop-prospects');
  });

  it('community-growth: sizes in the last two runs add up to the customers of each', async () => {
    const { rows } = await runFile('community-growth');
    const sum = (key: string) => rows.reduce((s, r) => s + (r[key] as number), 0);
    expect(sum('previousSize')).toBe(customersBefore);
    expect(sum('latestSize')).toBe(customersBefore + NEWCOMERS);
    expect(sum('joined') - sum('departed')).toBe(NEWCOMERS);
    for (const r of rows) expect(r.growth).toBe((r.latestSize as number) - (r.previousSize as number));
    expect(new Set(rows.map((r) => r.latestRunId)).size).toBe(1);
    expectSorted(rows, [[num('growth'), 'desc'], [num('latestSize'), 'desc'], [num('community'), 'asc']], 'community-growth');

    const community = (await one('MATCH (c:Customer {id: $id}) RETURN c.community AS c', { id: riser })).c as number;
    const single = await runFile('community-growth', { community: String(community) });
    expect(single.rows.length).toBe(1);
    expect(single.rows[0].latestSize).toBe((await one('MATCH (c:Customer {community: $c}) RETURN count(c) AS n', { c: neo4j.int(community) })).n);
  });

  it('pagerank-risers: the customer who gained followers rises most', async () => {
    const { rows } = await runFile('pagerank-risers');
    expect(rows[0].id).toBe(riser);
    for (const r of rows) {
      expect(r.rise as number).toBeGreaterThan(0);
      expect(r.rise as number).toBeCloseTo((r.latestPagerank as number) - (r.previousPagerank as number), 12);
      expect(String(r.id)).not.toMatch(/^lib-new-/);
    }
    expectSorted(rows, [[num('rise'), 'desc'], [str('id'), 'asc']], 'pagerank-risers');
  });

  it('community-summary: one row per community, densities between 0 and 1', async () => {
    const { rows } = await runFile('community-summary');
    const communities = (await one('MATCH (c:Customer) RETURN count(DISTINCT c.community) AS n')).n;
    expect(rows.length).toBe(communities);
    expect(rows.reduce((s, r) => s + (r.members as number), 0)).toBe(customersBefore + NEWCOMERS);
    for (const r of rows) {
      expect(r.density as number).toBeGreaterThanOrEqual(0);
      expect(r.density as number).toBeLessThanOrEqual(1);
      expect((r.topTopics as string[]).length).toBeLessThanOrEqual(3);
    }
    const biggest = rows[0];
    const pairs = await one(
      `MATCH (a:Customer {community: $c})-[:FOLLOWS|KNOWS]-(b:Customer {community: $c}) WHERE a.id < b.id
       RETURN count(DISTINCT [a.id, b.id]) AS n`,
      { c: neo4j.int(biggest.community as number) },
    );
    expect(biggest.internalTies).toBe(pairs.n);
    expectSorted(rows, [[num('members'), 'desc'], [num('community'), 'asc']], 'community-summary');
  });

  it('most-amplified: a window ending at the newest interaction, most interactions first', async () => {
    const { rows } = await runFile('most-amplified');
    const newest = (await one('MATCH ()-[i:INTERACTED]->() RETURN max(i.at) AS at')).at;
    expect(rows[0].windowEnd).toBe(newest);
    for (const r of rows) expect(r.interactions as number).toBeGreaterThanOrEqual(r.amplifiers as number);
    expectSorted(rows, [[num('interactions'), 'desc'], [num('amplifiers'), 'desc'], [str('id'), 'asc']], 'most-amplified');

    const shares = await runFile('most-amplified', { kinds: 'share,quote', days: '365', limit: '5' });
    for (const r of shares.rows) expect(r.shares).toBe(r.interactions);
  });

  it('detractor-voices: latest NPS answers of 0..6, widest reach first', async () => {
    const { brand } = await REQUIRED['detractor-voices']();
    const { rows } = await runFile('detractor-voices');
    const latest = await query(
      `UNWIND $ids AS id
       MATCH (:Customer {id: id})-[r:RATED]->(:Brand {id: $brand})
       WITH id, r ORDER BY r.at DESC
       WITH id, collect(r.score)[0] AS score
       RETURN id, score`,
      { ids: rows.map((r) => r.id), brand },
    );
    expect(latest.length).toBe(rows.length);
    for (const r of latest) expect(r.score as number).toBeLessThanOrEqual(6);
    for (const r of rows) expect(r.audience as number).toBeGreaterThanOrEqual(r.followers as number);
    expectSorted(rows, [[num('followers'), 'desc'], [num('score'), 'asc'], [str('id'), 'asc']], 'detractor-voices');

    const harsh = await runFile('detractor-voices', { maxScore: '2' });
    for (const r of harsh.rows) expect(r.score as number).toBeLessThanOrEqual(2);
  });

  it('content-reactions: everyone who engaged with the content, first reaction first', async () => {
    const { content } = await REQUIRED['content-reactions']();
    const { rows } = await runFile('content-reactions');
    const expected = await query(
      `MATCH (c:Customer)-[:ENGAGED]->(:Content {id: $content}) WHERE NOT c.optedOut RETURN DISTINCT c.id AS id ORDER BY id`,
      { content },
    );
    expect(rows.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id));
    for (const r of rows) expect(['follows', 'knows', 'followed-by', 'none']).toContain(r.tieToAuthor);
    expectSorted(rows, [[str('firstAt'), 'asc'], [str('id'), 'asc']], 'content-reactions');
  });

  it('neighbourhood-clustering: triangles and clustering of one circle; nothing for an opted-out customer', async () => {
    const { customer } = await REQUIRED['neighbourhood-clustering']();
    const { rows } = await runFile('neighbourhood-clustering');
    expect(rows.length).toBe(1);
    const [r] = rows;
    const check = await one(
      `MATCH (me:Customer {id: $customer})
       CALL (me) { MATCH (me)-[:FOLLOWS|KNOWS]-(u:Customer) RETURN count(DISTINCT u) AS contacts }
       CALL (me) {
         MATCH (me)-[:FOLLOWS|KNOWS]-(u:Customer)-[:FOLLOWS|KNOWS]-(v:Customer)-[:FOLLOWS|KNOWS]-(me)
         WHERE u.id < v.id RETURN count(DISTINCT [u.id, v.id]) AS triangles
       }
       RETURN contacts, triangles`,
      { customer },
    );
    expect({ contacts: r.contacts, triangles: r.triangles }).toEqual(check);
    expect(r.clustering as number).toBeCloseTo((r.triangles as number) / (r.possiblePairs as number), 12);
    expect((r.mostEmbedded as string[]).length).toBeLessThanOrEqual(5);

    const hidden = [...optedOut].sort()[0];
    expect((await runFile('neighbourhood-clustering', { customer: hidden })).rows).toEqual([]);
  });

  it('topic-voices: authors on the topic, most engagement first', async () => {
    const { rows } = await runFile('topic-voices');
    for (const r of rows) expect(r.posts as number).toBeGreaterThan(0);
    expectSorted(rows, [[num('engagements'), 'desc'], [num('posts'), 'desc'], [str('id'), 'asc']], 'topic-voices');
  });

  it('refuses a statement that writes, before it runs', async () => {
    await expect(runQuery(ctx.db, "CREATE (n:LibraryProbe {id: 'x'}) RETURN n.id AS id", {})).rejects.toThrow(/not read-only/);
    expect((await one('MATCH (n:LibraryProbe) RETURN count(n) AS n')).n).toBe(0);
  });

  it('returns the columns of a query without rows, and date-times as ISO strings', async () => {
    const empty = await runQuery(ctx.db, 'MATCH (c:Customer {id: $id}) RETURN c.id AS id, c.name AS name', { id: 'nobody' });
    expect(empty).toEqual({ columns: ['id', 'name'], rows: [] });
    const typed = await runQuery(ctx.db, "RETURN $n AS n, datetime('2025-01-02T03:04:05Z') AS at", { n: neo4j.int(7) });
    expect(typed.rows).toEqual([{ n: 7, at: '2025-01-02T03:04:05.000Z' }]);
  });
});

describe('the Cypher file header', () => {
  const TEXT = `// Who is it?
// Some explanation
// over two lines.
//
// @param community: integer — a community id
// @param limit: integer = 20 — how many
// @param ratio: float = 0.5
// @param name: string = "Ada, Lovelace" -- quoted default
// @param raw: string = plain text — unquoted default
// @param flag: boolean = false — a switch
// @param kinds: string[] = ["like", "share"] — a list
// @param empty: string[] = [] — an empty list
// @param by: "pagerank" | "amplification" = "pagerank" — a choice
// @param delta: integer = -3 — negative default
//
// Columns:
//   id     the id
//   score  the score, explained
//          on two lines
//
// Order: score descending,
// then id.
MATCH (c:Customer {community: $community})
WHERE $ratio > 0 AND c.name <> $name AND c.name <> $raw AND $flag = false AND size($kinds) >= 0 AND size($empty) = 0
  AND $by <> '' AND $delta < 0 // a comment mentioning $nothing; and a semicolon
RETURN c.id AS id, 'text with $notAParam; inside' AS score
LIMIT $limit;
`;

  it('reads the question, parameters, columns and order', () => {
    const header = parseHeader(TEXT);
    expect(header.question).toBe('Who is it?');
    expect(header.description).toBe('Some explanation\nover two lines.');
    const byName = Object.fromEntries(header.params.map((p) => [p.name, p]));
    expect(Object.keys(byName)).toEqual(['community', 'limit', 'ratio', 'name', 'raw', 'flag', 'kinds', 'empty', 'by', 'delta']);
    expect(byName.community).toMatchObject({ type: 'integer', required: true, description: 'a community id' });
    expect(byName.community.default).toBeUndefined();
    expect(neo4j.isInt(byName.limit.default)).toBe(true);
    expect((byName.limit.default as { toNumber(): number }).toNumber()).toBe(20);
    expect(byName.ratio).toMatchObject({ type: 'float', default: 0.5, required: false, description: '' });
    expect(byName.name).toMatchObject({ type: 'string', default: 'Ada, Lovelace', description: 'quoted default' });
    expect(byName.raw).toMatchObject({ default: 'plain text', description: 'unquoted default' });
    expect(byName.flag).toMatchObject({ type: 'boolean', default: false });
    expect(byName.kinds).toMatchObject({ type: 'string[]', default: ['like', 'share'] });
    expect(byName.empty).toMatchObject({ type: 'string[]', default: [] });
    expect(byName.by).toMatchObject({ type: 'string', choices: ['pagerank', 'amplification'], default: 'pagerank' });
    expect((byName.delta.default as { toNumber(): number }).toNumber()).toBe(-3);
    expect(header.columns).toEqual([
      { name: 'id', description: 'the id' },
      { name: 'score', description: 'the score, explained on two lines' },
    ]);
    expect(header.order).toBe('score descending, then id.');
  });

  it('finds the parameters a statement uses, outside strings and comments', () => {
    const file = parseCypherFile(TEXT);
    expect(usedParams(file.query)).toEqual(new Set(['community', 'ratio', 'name', 'raw', 'flag', 'kinds', 'empty', 'by', 'delta', 'limit']));
    expect(file.query.endsWith('LIMIT $limit')).toBe(true);
  });

  it('refuses headers and statements that do not fit', () => {
    expect(() => parseHeader('MATCH (n) RETURN n')).toThrow(/header/);
    expect(() => parseHeader('// Q?\n// @param x: date\nRETURN $x')).toThrow(/unknown type "date"/);
    expect(() => parseHeader('// Q?\n// @param x: integer = many\nRETURN $x')).toThrow(/default of @param x must be an integer/);
    expect(() => parseHeader('// Q?\n// @param x: integer\n// @param x: float\nRETURN $x')).toThrow(/declared twice/);
    expect(() => parseHeader('// Q?\n// @parm x: integer\nRETURN $x')).toThrow(/cannot read "@parm/);
    expect(() => parseCypherFile('// Q?\nRETURN 1;\nRETURN 2;')).toThrow(/more than one statement/);
    expect(() => parseCypherFile('// Q?\n// Columns:\n//   x  y\n')).toThrow(/no statement/);
    const mismatch = (() => {
      try {
        parseCypherFile('// Q?\n// @param a: integer = 1 — used nowhere\nRETURN $b AS b');
      } catch (error) {
        return error as CypherFileError;
      }
    })();
    expect(mismatch).toBeInstanceOf(CypherFileError);
    expect(mismatch?.problems).toEqual(['$b is used but not declared with @param', '@param a is declared but never used']);
  });
});

describe('parameter conversion', () => {
  const specs = parseHeader(`// Q?
// @param community: integer — required
// @param limit: integer = 20 — d
// @param ratio: float = 0.5 — d
// @param flag: boolean = false — d
// @param kinds: string[] = [] — d
// @param by: "a" | "b" = "a" — d
RETURN 1`).params;

  it('converts each type, integers to Neo4j integers, and fills in defaults', () => {
    const params = resolveParams(specs, { community: '42', ratio: '1e-3', flag: 'yes', kinds: 'like, share,,' });
    expect(neo4j.isInt(params.community)).toBe(true);
    expect(String(params.community)).toBe('42');
    expect(neo4j.isInt(params.limit)).toBe(true);
    expect(params).toMatchObject({ ratio: 0.001, flag: true, kinds: ['like', 'share'], by: 'a' });
    expect(resolveParams(specs, { community: '-1', kinds: '["a,b", "c"]', by: 'b' })).toMatchObject({ kinds: ['a,b', 'c'], by: 'b' });
    expect(convertParam({ type: 'string' }, '  spaced  ')).toBe('  spaced  ');
    expect(convertParam({ type: 'string[]' }, '')).toEqual([]);
    expect(convertParam({ type: 'boolean' }, 'FALSE')).toBe(false);
  });

  it('refuses unknown, missing and malformed parameters, naming each', () => {
    let error: CypherFileError | undefined;
    try {
      resolveParams(specs, { limit: '2.5', ratio: 'lots', flag: 'maybe', kinds: '[1]', by: 'c', colour: 'red' });
    } catch (e) {
      error = e as CypherFileError;
    }
    expect(error).toBeInstanceOf(CypherFileError);
    expect(error!.problems).toEqual([
      'unknown parameter "colour" (this file takes community, limit, ratio, flag, kinds, by)',
      'missing parameter "community" (integer, required — required)',
      'the value of limit must be an integer, not "2.5"',
      'the value of ratio must be a number, not "lots"',
      'the value of flag must be true or false, not "maybe"',
      'the value of kinds must be a list of strings, not "[1]"',
      'the value of by must be one of a, b, not "c"',
    ]);
    expect(() => resolveParams(specs, { community: '99999999999999999999' })).toThrow(/too large/);
    expect(() => resolveParams([], { x: '1' })).toThrow(/this file takes none/);
  });

  it('reads the command line', () => {
    expect(parseArgs(['super-users', '--param', 'community=3', '-p', 'by=a=b', '--format=csv'])).toEqual({
      file: 'super-users',
      params: { community: '3', by: 'a=b' },
      format: 'csv',
      list: false,
      help: false,
    });
    expect(() => parseArgs(['f', '--param', 'x'])).toThrow(/name=value/);
    expect(() => parseArgs(['f', '--param', 'x=1', '--param', 'x=2'])).toThrow(/given twice/);
    expect(() => parseArgs(['f', '--format', 'xml'])).toThrow(/table, csv, json/);
    expect(() => parseArgs(['f', 'g'])).toThrow(/one file at a time/);
    expect(() => parseArgs(['f', '--param'])).toThrow(/needs a value/);
  });
});

describe('output formats', () => {
  const result: QueryRows = {
    columns: ['id', 'note', 'score', 'tags', 'extra'],
    rows: [
      { id: 'c1', note: 'plain', score: 1.23456789, tags: ['a', 'b'], extra: null },
      { id: 'c2', note: 'has, comma', score: 10, tags: [], extra: { k: 1 } },
      { id: 'c3', note: 'says "hi"\nthen leaves', score: -0.5, tags: ['x;y'], extra: true },
      { id: 'c4', note: ' padded ', score: null, tags: null, extra: '' },
    ],
  };

  it('escapes CSV fields so a CSV reader gets the values back', () => {
    const csv = formatCsv(result);
    expect(csv.split('\r\n')[0]).toBe('id,note,score,tags,extra');
    expect(csv).toContain('"has, comma"');
    expect(csv).toContain('"says ""hi""\nthen leaves"');
    expect(csv).toContain('" padded "');
    const back = parseCsv(csv, { columns: true }) as Record<string, string>[];
    expect(back).toEqual([
      { id: 'c1', note: 'plain', score: '1.23456789', tags: 'a;b', extra: '' },
      { id: 'c2', note: 'has, comma', score: '10', tags: '', extra: '{"k":1}' },
      { id: 'c3', note: 'says "hi"\nthen leaves', score: '-0.5', tags: 'x;y', extra: 'true' },
      { id: 'c4', note: ' padded ', score: '', tags: '', extra: '' },
    ]);
  });

  it('aligns table columns and right-aligns numbers', () => {
    const lines = formatTable(result).trimEnd().split('\n');
    expect(lines).toHaveLength(2 + result.rows.length + 1);
    expect(lines[lines.length - 1]).toBe('(4 rows)');
    const header = lines[0];
    const scoreEnd = header.indexOf('score') + 'score'.length;
    const noteStart = header.indexOf('note');
    expect(lines[1].split('  ').map((d) => d.length)).toEqual([2, 'says "hi" then leaves'.length, '1.23457'.length, 'tags'.length, '{"k":1}'.length]);
    expect(lines[2].slice(noteStart, noteStart + 5)).toBe('plain');
    expect(lines[2].slice(scoreEnd - 7, scoreEnd)).toBe('1.23457');
    expect(lines[3].slice(scoreEnd - 2, scoreEnd)).toBe('10');
    expect(lines[4]).toContain('says "hi" then leaves');
  });

  it('writes JSON rows', () => {
    expect(JSON.parse(formatJson(result))).toEqual(result.rows);
  });
});
