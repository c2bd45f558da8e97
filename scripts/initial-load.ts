/**
 * First load of a large base into an empty database with Neo4j's offline bulk importer:
 *
 *   npm run initial-load -- <dir> [--home DIR] [--keep-files]
 *
 * <dir> holds one file per kind, `<kind>.ndjson` or `<kind>.csv` (what `influence-graph generate`
 * writes, or the import API's formats). Every row is validated as the ingest API validates it and
 * every reference must resolve within the load; any problem refuses the load before anything is
 * written. The rows become the importer's CSV files (src/neo4j/import-files.ts), `neo4j-admin
 * database import full` writes the store, then the database is started once to apply the schema
 * (constraints and indexes), so the service works on it at once. A database that holds data is
 * refused. The service must be stopped while this runs (the importer needs the store to itself).
 * The home defaults to DATA_DIR/neo4j, the folder `npm start` uses.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.js';
import type { Problem } from '../src/domain/errors.js';
import type { KindName } from '../src/domain/model.js';
import { GraphDatabase, toNumber } from '../src/graph/database.js';
import { applySchema } from '../src/graph/schema.repository.js';
import { runAdminImport } from '../src/neo4j/admin-import.js';
import { startEmbeddedNeo4j, type EmbeddedNeo4j } from '../src/neo4j/embedded.js';
import { writeImportFiles } from '../src/neo4j/import-files.js';

export interface InitialLoadOptions {
  inputDir: string;
  home: string;
  password: string;
  heap?: string;
  pagecache?: string;
  /** Keep the importer's CSV files (in <home>/import/initial-load-*) after the load. */
  keepFiles?: boolean;
  log?: (line: string) => void;
  /** Runs while the loaded database is up after the schema is applied (checks, a first analytics run). */
  afterSchema?: (db: GraphDatabase, uri: string) => Promise<void>;
}

export interface InitialLoadResult {
  rows: Partial<Record<KindName, { read: number; written: number; file: string }>>;
  nodes: number;
  relationships: number;
  seconds: { convert: number; import: number; schema: number; total: number };
  summary: string;
}

export class InitialLoadRefused extends Error {
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

/** Nodes the service creates for itself at start (coordination singletons) do not make a database non-empty. */
const DATA_NODES = 'MATCH (n) WHERE NOT (n:Lease OR n:Sequence OR n:PrivacyLog) RETURN count(n) AS n';

async function withDatabase<T>(options: InitialLoadOptions, work: (db: GraphDatabase, uri: string) => Promise<T>): Promise<T> {
  let neo4j: EmbeddedNeo4j | undefined;
  let db: GraphDatabase | undefined;
  try {
    neo4j = await startEmbeddedNeo4j({ home: options.home, port: 0, password: options.password, heap: options.heap, pagecache: options.pagecache });
    db = new GraphDatabase({ uri: neo4j.uri, user: 'neo4j', password: options.password });
    return await work(db, neo4j.uri);
  } finally {
    await db?.close().catch(() => undefined);
    await neo4j?.stop().catch(() => undefined);
  }
}

export async function initialLoad(options: InitialLoadOptions): Promise<InitialLoadResult> {
  const log = options.log ?? (() => undefined);
  const t0 = Date.now();
  const home = path.resolve(options.home);
  const store = path.join(home, 'data', 'databases', 'neo4j', 'neostore');
  const exists = existsSync(store);
  if (exists) {
    log(`A database exists in ${home}; checking that it is empty…`);
    const count = await withDatabase(options, async (db) => toNumber((await db.read((tx) => tx.run(DATA_NODES))).records[0].get('n')));
    if (count > 0) throw new InitialLoadRefused(`The database in ${home} holds ${count} nodes; an initial load needs an empty database`);
  }

  mkdirSync(home, { recursive: true });
  const staging = mkdtempSync(path.join(home, '.initial-load-'));
  try {
    log(`Validating ${options.inputDir} and writing the importer's files…`);
    const files = await writeImportFiles(options.inputDir, staging, (kind, rows) => {
      if (rows % 500_000 === 0) log(`  ${kind}: ${rows} rows`);
    });
    const convertMs = Date.now() - t0;
    if (files.problems.length > 0) {
      throw new InitialLoadRefused(`${files.problems.length} problem(s) in the input; nothing was written`, files.problems);
    }
    if (Object.keys(files.rows).length === 0) throw new InitialLoadRefused(`No <kind>.ndjson or <kind>.csv file in ${options.inputDir}`);
    for (const [kind, r] of Object.entries(files.rows)) log(`  ${kind}: ${r.written} rows${r.read !== r.written ? ` (${r.read} read, repeated keys kept once)` : ''}`);

    log('Running neo4j-admin database import full…');
    const imported = await runAdminImport({
      home,
      nodes: files.nodes,
      relationships: files.relationships,
      multilineFields: files.multilineFields,
      overwrite: exists,
      onLine: (line) => {
        if (/^\(\d\/\d\)|COMPLETED|IMPORT DONE/.test(line.trim())) log(`  ${line.trim()}`);
      },
    });
    const importMs = imported.ms;

    log('Starting the database to apply the schema…');
    const t1 = Date.now();
    const counts = await withDatabase(options, async (db, uri) => {
      await applySchema(db);
      // The ingest stores an empty topic list as []; the importer leaves an empty array out.
      await db.autoCommit('MATCH (c:Content) WHERE c.topicIds IS NULL CALL { WITH c SET c.topicIds = [] } IN TRANSACTIONS OF 10000 ROWS');
      const r = await db.read((tx) => tx.run('CALL { MATCH (n) RETURN count(n) AS nodes } CALL { MATCH ()-[r]->() RETURN count(r) AS relationships } RETURN nodes, relationships'));
      const found = { nodes: toNumber(r.records[0].get('nodes')), relationships: toNumber(r.records[0].get('relationships')) };
      await options.afterSchema?.(db, uri);
      return found;
    });
    const schemaMs = Date.now() - t1;
    return {
      rows: files.rows,
      ...counts,
      seconds: { convert: convertMs / 1000, import: importMs / 1000, schema: schemaMs / 1000, total: (Date.now() - t0) / 1000 },
      summary: imported.summary,
    };
  } finally {
    if (!options.keepFiles) rmSync(staging, { recursive: true, force: true });
    else log(`The importer's files are kept in ${staging}`);
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { home: { type: 'string' }, 'keep-files': { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) {
    console.error('usage: npm run initial-load -- <dir> [--home DIR] [--keep-files]');
    process.exit(2);
  }
  const config = loadConfig();
  const home = values.home ?? path.join(config.DATA_DIR, 'neo4j');
  try {
    const result = await initialLoad({
      inputDir: positionals[0],
      home,
      password: config.NEO4J_PASSWORD,
      heap: config.NEO4J_HEAP,
      pagecache: config.NEO4J_PAGECACHE,
      keepFiles: values['keep-files'],
      log: (line) => console.log(line),
    });
    const s = result.seconds;
    console.log(
      `Loaded ${result.nodes} nodes and ${result.relationships} relationships into ${home} in ${s.total.toFixed(1)} s ` +
        `(validation and files ${s.convert.toFixed(1)} s, import ${s.import.toFixed(1)} s, schema ${s.schema.toFixed(1)} s).`,
    );
  } catch (error) {
    if (error instanceof InitialLoadRefused) {
      console.error(error.message);
      for (const p of error.problems.slice(0, 50)) console.error(`  ${p.path.join('.')}: ${p.message}`);
      if (error.problems.length > 50) console.error(`  … and ${error.problems.length - 50} more`);
      process.exit(1);
    }
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
