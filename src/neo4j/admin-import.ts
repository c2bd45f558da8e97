/**
 * Runs Neo4j's offline bulk importer (`neo4j-admin database import full`) on a database home, with
 * the jars of java/neo4j-launcher (the `org.neo4j:neo4j` artifact already carries the import tool
 * and the admin CLI, `org.neo4j.cli.AdminTool`). The importer writes the store files directly,
 * without transactions, so the database must not be running; it refuses a store that exists unless
 * `overwrite` is set. Cost: linear in the input (parallel over the available cores).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureLauncherBuilt, LAUNCHER_DIR } from './embedded.js';

export interface AdminImportInput {
  /** Database home (the same folder the embedded launcher is given). */
  home: string;
  nodes: { label: string; file: string }[];
  relationships: { type: string; file: string }[];
  /** Quoted fields may span lines (slower: the importer then parses each file on one thread). */
  multilineFields?: boolean;
  /** Replace an existing (checked empty) store of the database. */
  overwrite?: boolean;
  /** Array values are separated by this character inside a field; default TAB. */
  arrayDelimiter?: string;
  /** Off-heap memory the importer may use, e.g. '2G' or '50%'. Default 50% of the free memory. */
  maxOffHeapMemory?: string;
  /** JVM heap of the importer; default 1g. */
  heap?: string;
  onLine?: (line: string) => void;
}

export interface AdminImportResult {
  ms: number;
  /** The importer's closing summary (IMPORT DONE … nodes, relationships, properties, peak memory). */
  summary: string;
}

const LIB_DIR = path.join(LAUNCHER_DIR, 'lib');
const JVM_FLAGS = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '-Dfile.encoding=UTF-8',
];

export class AdminImportError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

/** Imports the given CSV files into database `neo4j` of `home` (header rows inside the files). */
export async function runAdminImport(input: AdminImportInput): Promise<AdminImportResult> {
  ensureLauncherBuilt(input.onLine);
  const home = path.resolve(input.home);
  mkdirSync(home, { recursive: true });
  // The importer reads NEO4J_CONF/neo4j.conf; the launcher's own file holds server settings the
  // importer does not need, so it gets an empty one of its own.
  const confDir = mkdtempSync(path.join(tmpdir(), 'ig-admin-conf-'));
  writeFileSync(path.join(confDir, 'neo4j.conf'), '');
  const args = [
    `-Xmx${input.heap ?? '1g'}`,
    ...JVM_FLAGS,
    '-cp',
    `${LIB_DIR}/*`,
    'org.neo4j.cli.AdminTool',
    'database',
    'import',
    'full',
    'neo4j',
    '--id-type=STRING',
    `--array-delimiter=${input.arrayDelimiter ?? 'TAB'}`,
    `--multiline-fields=${input.multilineFields ? 'true' : 'false'}`,
    `--max-off-heap-memory=${input.maxOffHeapMemory ?? '50%'}`,
    `--report-file=${path.join(confDir, 'import.report')}`,
    ...(input.overwrite ? ['--overwrite-destination=true'] : []),
    ...input.nodes.map((n) => `--nodes=${n.label}=${path.resolve(n.file)}`),
    ...input.relationships.map((r) => `--relationships=${r.type}=${path.resolve(r.file)}`),
  ];
  const started = Date.now();
  let output = '';
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('java', args, { env: { ...process.env, NEO4J_HOME: home, NEO4J_CONF: confDir }, stdio: ['ignore', 'pipe', 'pipe'] });
      const take = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        output += text;
        if (output.length > 200_000) output = output.slice(-100_000);
        if (input.onLine) for (const line of text.split('\n')) if (line.trim() && !/^[.\-\s]+\d+%/.test(line)) input.onLine(line);
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) {
      const reason = output.split('\n').filter((l) => /error|exception|fail|refus|exist/i.test(l)).slice(0, 5).join(' | ');
      throw new AdminImportError(`neo4j-admin database import failed (exit ${code}): ${reason || output.slice(-500)}`, output);
    }
    const at = output.lastIndexOf('IMPORT DONE');
    return { ms: Date.now() - started, summary: at >= 0 ? output.slice(at).trim() : '' };
  } finally {
    rmSync(confDir, { recursive: true, force: true });
  }
}
