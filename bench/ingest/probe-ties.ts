/**
 * Probe of the ties write on a small base: the bulk API's write (IngestRepository.write, 10k rows a
 * transaction; as sent, sorted by `from`, and two batches in flight) against LOAD CSV on the same
 * ties, two rounds each, then the PROFILE of both statements (operators, rows, db hits), to check
 * that both run the same plan.   npx tsx bench/ingest/probe-ties.ts --customers 20000
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateDataset } from '../../src/generator/generate.js';
import { GraphDatabase } from '../../src/graph/database.js';
import { Neo4jIngestRepository } from '../../src/graph/ingest.repository.js';
import { applySchema } from '../../src/graph/schema.repository.js';
import { startEmbeddedNeo4j } from '../../src/neo4j/embedded.js';
import { intArg } from '../args.js';

const CUSTOMERS = intArg('customers', 20_000);
type Row = Record<string, unknown>;
const ds = generateDataset({ customers: CUSTOMERS, seed: 1 });
const customers = [...ds.rows('customers')] as unknown as Row[];
const ties = ([...ds.rows('ties')] as unknown as Row[]).map((r) => (r.kind === 'KNOWS' && (r.from as string) > (r.to as string) ? { ...r, from: r.to, to: r.from } : r));
const home = mkdtempSync(path.join(tmpdir(), 'ig-probe-'));
mkdirSync(path.join(home, 'import'));
const n = await startEmbeddedNeo4j({ home, port: 0, password: 'probe-password', heap: '2g', pagecache: '1g' });
const db = new GraphDatabase({ uri: n.uri, user: 'neo4j', password: 'probe-password' });
try {
  await applySchema(db);
  const repo = new Neo4jIngestRepository(db);
  for (let i = 0; i < customers.length; i += 10000) await repo.write('customers', customers.slice(i, i + 10000) as never);
  const csv = ['from,to,kind,since,weight', ...ties.map((t) => [t.from, t.to, t.kind, t.since ?? '', t.weight].join(','))].join('\n') + '\n';
  writeFileSync(path.join(home, 'import', 'ties.csv'), csv);
  const url = 'file:///ties.csv';
  const clear = () => db.autoCommit('MATCH ()-[t:FOLLOWS|KNOWS]->() CALL { WITH t DELETE t } IN TRANSACTIONS OF 50000 ROWS');
  const loadCsv = (type: string) => `LOAD CSV WITH HEADERS FROM $url AS r WITH r WHERE r.kind = '${type}'
CALL { WITH r MATCH (a:Customer {id: r.from}) MATCH (b:Customer {id: r.to}) MERGE (a)-[t:${type}]->(b)
SET t.since = CASE WHEN r.since IS NULL OR r.since = '' THEN null ELSE datetime(r.since) END, t.weight = coalesce(toFloat(r.weight), 1.0) } IN TRANSACTIONS OF 10000 ROWS`;
  const time = async (name: string, work: () => Promise<unknown>) => {
    const t0 = performance.now();
    await work();
    const ms = performance.now() - t0;
    console.log(`${name}: ${Math.round(ms)} ms = ${Math.round((ties.length / ms) * 1000)} ties/s`);
    await clear();
  };
  const rest = async (rows: Row[]) => {
    for (let i = 0; i < rows.length; i += 10000) await repo.write('ties', rows.slice(i, i + 10000) as never);
  };
  const sorted = [...ties].sort((a, b) => ((a.from as string) < (b.from as string) ? -1 : (a.from as string) > (b.from as string) ? 1 : 0));
  for (let round = 0; round < 2; round++) {
    await time('rest', () => rest(ties));
    await time('csv', async () => { await db.autoCommit(loadCsv('FOLLOWS'), { url }); await db.autoCommit(loadCsv('KNOWS'), { url }); });
    await time('rest-sorted', () => rest(sorted));
    await time('rest-2-parallel', async () => {
      let next = 0;
      const batches: Row[][] = [];
      for (let i = 0; i < ties.length; i += 10000) batches.push(ties.slice(i, i + 10000));
      const worker = async () => { for (;;) { const b = batches[next++]; if (!b) return; await repo.write('ties', b as never); } };
      await Promise.all([worker(), worker()]);
    });
  }
  // Profiles
  const batch = ties.filter((t) => t.kind === 'FOLLOWS').slice(0, 2000);
  const prof = await db.write((tx) => tx.run(`PROFILE UNWIND range(0, size($from) - 1) AS i
MATCH (a:Customer {id: $from[i]})
MATCH (b:Customer {id: $to[i]})
MERGE (a)-[t:FOLLOWS]->(b)
SET t.since = CASE WHEN $since[i] IS NULL THEN null ELSE datetime($since[i]) END, t.weight = $weight[i]
RETURN count(*) AS matched`, { from: batch.map((r) => r.from), to: batch.map((r) => r.to), since: batch.map((r) => r.since ?? null), weight: batch.map((r) => r.weight) }));
  const show = (p: any, depth = 0): void => {
    console.log(`${'  '.repeat(depth)}${p.operatorType} rows=${p.rows} hits=${p.dbHits} ${p.arguments?.Details ?? ''}`);
    for (const c of p.children ?? []) show(c, depth + 1);
  };
  show(prof.summary.profile);
  await clear();
  const prof2 = await db.autoCommit(`PROFILE ${loadCsv('FOLLOWS')}`, { url });
  show(prof2.summary.profile);
} finally {
  await db.close();
  await n.stop();
  rmSync(home, { recursive: true, force: true });
}
