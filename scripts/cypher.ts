/**
 * Runs one file of the analysts' Cypher library against the database, read-only, and prints its
 * rows as an aligned table, CSV or JSON.
 *
 *   npm run cypher -- <file> [--param name=value ...] [--format table|csv|json]
 *   npm run cypher -- --list
 *
 * <file> is a path, or the name of a file in cypher/analysis (with or without `.cypher`). Each file
 * opens with a `//` header that declares its parameters; values given with --param are converted
 * to the declared types (integers stay Neo4j integers), defaults fill in the rest, and an unknown,
 * missing or malformed parameter stops the run before the database is asked anything.
 *
 * Header grammar (see cypher/analysis/*.cypher for examples):
 *
 *   // <the question, one line>
 *   // <free text>
 *   // @param <name>: <type> [= <default>] [— <description>]
 *   // Columns:
 *   //   <column>  <what it means>
 *   // Order: <how the rows are sorted>
 *
 * <type> is integer, float, string, boolean, string[] or a choice of strings ("a" | "b"). A
 * parameter without a default is required. Defaults are written as on the command line, except
 * that a string default may be quoted ("…") and a list default may be a JSON array.
 *
 * Database connection: NEO4J_URI, or the embedded database of `npm start` at
 * bolt://127.0.0.1:NEO4J_BOLT_PORT; NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE as for the service.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../src/config.js';
import { AppError } from '../src/domain/errors.js';
import { GraphDatabase, int } from '../src/graph/database.js';
import { plain } from '../src/graph/mappers.js';

export const LIBRARY_DIR = fileURLToPath(new URL('../cypher/analysis/', import.meta.url));
export const FORMATS = ['table', 'csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export const PARAM_TYPES = ['integer', 'float', 'string', 'boolean', 'string[]'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

export interface ParamSpec {
  name: string;
  type: ParamType;
  /** For a choice of strings: the allowed values (type is then 'string'). */
  choices?: string[];
  /** Absent when the parameter is required. */
  default?: unknown;
  required: boolean;
  description: string;
}

export interface ColumnSpec {
  name: string;
  description: string;
}

export interface CypherHeader {
  question: string;
  description: string;
  params: ParamSpec[];
  columns: ColumnSpec[];
  order?: string;
}

export interface CypherFile {
  path: string;
  header: CypherHeader;
  /** The statement, with its trailing semicolon removed. */
  query: string;
}

export interface QueryRows {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** A file that cannot be used as written, or parameters that do not fit it; `problems` lists each one. */
export class CypherFileError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length > 0 ? `${message}:\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
    this.name = 'CypherFileError';
  }
}

// ---------------------------------------------------------------------------------------------
// Header

const PARAM_LINE = /^@param\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$/;
const CHOICES = /^"[^"]*"(\s*\|\s*"[^"]*")*$/;

/** Splits `<type> [= <default>] [— <description>]` at the first dash that separates a description. */
function splitDescription(text: string): [string, string] {
  const match = /\s+(—|–|--)\s+/.exec(text);
  if (!match) return [text.trim(), ''];
  return [text.slice(0, match.index).trim(), text.slice(match.index + match[0].length).trim()];
}

/** Splits `<type> [= <default>]` at the first `=` outside the quotes of a choice list. */
function splitDefault(text: string): [string, string | undefined] {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === '=' && !quoted) return [text.slice(0, i).trim(), text.slice(i + 1).trim()];
  }
  return [text.trim(), undefined];
}

function parseParamLine(name: string, rest: string, line: number): ParamSpec {
  const [typeAndDefault, description] = splitDescription(rest);
  const [typeText, defaultText] = splitDefault(typeAndDefault);
  let spec: ParamSpec;
  if (CHOICES.test(typeText)) {
    const choices = typeText.split('|').map((c) => c.trim().slice(1, -1));
    spec = { name, type: 'string', choices, required: true, description };
  } else if ((PARAM_TYPES as readonly string[]).includes(typeText)) {
    spec = { name, type: typeText as ParamType, required: true, description };
  } else {
    throw new CypherFileError(`line ${line}: @param ${name} has an unknown type "${typeText}" (use ${PARAM_TYPES.join(', ')} or "a" | "b")`);
  }
  if (defaultText !== undefined) {
    try {
      spec.default = convertParam(spec, defaultText, 'default');
    } catch (error) {
      throw new CypherFileError(`line ${line}: the default of @param ${name} ${(error as Error).message}`);
    }
    spec.required = false;
  }
  return spec;
}

/** Reads the leading `//` comment block of a library file. */
export function parseHeader(text: string): CypherHeader {
  const lines = text.split(/\r?\n/);
  const comments: { text: string; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i].trim();
    if (trimmed.startsWith('//')) comments.push({ text: trimmed.replace(/^\/\/ ?/, ''), line: i + 1 });
    else if (trimmed === '' && comments.length === 0) continue;
    else break;
  }
  if (comments.length === 0 || comments[0].text.trim() === '') {
    throw new CypherFileError('the file does not open with a // header stating its question');
  }
  const header: CypherHeader = { question: comments[0].text.trim(), description: '', params: [], columns: [] };
  const description: string[] = [];
  let section: 'text' | 'columns' | 'order' = 'text';
  let columnIndent: number | undefined;
  for (const { text: raw, line } of comments.slice(1)) {
    const t = raw.trim();
    const param = PARAM_LINE.exec(t);
    if (param) {
      if (header.params.some((p) => p.name === param[1])) throw new CypherFileError(`line ${line}: @param ${param[1]} is declared twice`);
      header.params.push(parseParamLine(param[1], param[2], line));
      section = 'text';
    } else if (/^Columns:\s*$/i.test(t)) {
      section = 'columns';
    } else if (/^Order:/i.test(t)) {
      header.order = t.replace(/^Order:\s*/i, '');
      section = 'order';
    } else if (section === 'order') {
      if (t === '') section = 'text';
      else header.order = `${header.order} ${t}`;
    } else if (section === 'columns') {
      // A column line starts at the indent of the first one; a deeper line continues the description.
      const indent = raw.length - raw.trimStart().length;
      columnIndent ??= indent;
      const column = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+(.*))?$/.exec(t);
      if (t === '') section = 'text';
      else if (indent > columnIndent && header.columns.length > 0) {
        const last = header.columns[header.columns.length - 1];
        last.description = `${last.description} ${t}`.trim();
      } else if (column) header.columns.push({ name: column[1], description: (column[2] ?? '').trim() });
      else throw new CypherFileError(`line ${line}: cannot read the column "${t}" (expected <name>  <what it means>)`);
    } else if (t.startsWith('@')) {
      throw new CypherFileError(`line ${line}: cannot read "${t}" (expected @param <name>: <type> [= <default>] [— <description>])`);
    } else if (header.params.length === 0 && header.columns.length === 0) {
      description.push(t);
    }
  }
  header.description = description.join('\n').trim();
  return header;
}

// ---------------------------------------------------------------------------------------------
// Parameters

const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);

/**
 * Converts a parameter's text (from the command line, or a header default) to the declared type.
 * Integers become Neo4j integers so that Cypher sees INTEGER, never FLOAT. Throws an Error whose
 * message completes "the value of <name> …".
 */
export function convertParam(spec: Pick<ParamSpec, 'type' | 'choices'>, text: string, source: 'cli' | 'default' = 'cli'): unknown {
  const value = text.trim();
  switch (spec.type) {
    case 'integer': {
      if (!/^[+-]?\d+$/.test(value)) throw new Error(`must be an integer, not "${text}"`);
      const n = Number(value);
      if (!Number.isSafeInteger(n)) throw new Error(`is too large: ${text}`);
      return int(n);
    }
    case 'float': {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) throw new Error(`must be a number, not "${text}"`);
      return n;
    }
    case 'boolean': {
      const v = value.toLowerCase();
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      throw new Error(`must be true or false, not "${text}"`);
    }
    case 'string': {
      let s = text;
      if (source === 'default' && /^".*"$/.test(value)) s = JSON.parse(value) as string;
      if (spec.choices && !spec.choices.includes(s)) throw new Error(`must be one of ${spec.choices.join(', ')}, not "${s}"`);
      return s;
    }
    case 'string[]': {
      if (value.startsWith('[')) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch {
          throw new Error(`must be a JSON array of strings or a comma-separated list, not "${text}"`);
        }
        if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) throw new Error(`must be a list of strings, not "${text}"`);
        return parsed;
      }
      return value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    }
  }
}

/** The parameters of a run: given values converted, defaults filled in; unknown or missing ones refused. */
export function resolveParams(specs: ParamSpec[], given: Record<string, string>): Record<string, unknown> {
  const problems: string[] = [];
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) problems.push(`unknown parameter "${name}"${known.size > 0 ? ` (this file takes ${[...known].join(', ')})` : ' (this file takes none)'}`);
  }
  const params: Record<string, unknown> = {};
  for (const spec of specs) {
    if (Object.hasOwn(given, spec.name)) {
      try {
        params[spec.name] = convertParam(spec, given[spec.name]);
      } catch (error) {
        problems.push(`the value of ${spec.name} ${(error as Error).message}`);
      }
    } else if (!spec.required) {
      params[spec.name] = spec.default;
    } else {
      problems.push(`missing parameter "${spec.name}" (${describeParam(spec)})`);
    }
  }
  if (problems.length > 0) throw new CypherFileError('The parameters do not fit this file', problems);
  return params;
}

export function describeParam(spec: ParamSpec): string {
  const type = spec.choices ? spec.choices.map((c) => JSON.stringify(c)).join(' | ') : spec.type;
  const dflt = spec.required ? 'required' : `default ${formatDefault(spec.default)}`;
  return `${type}, ${dflt}${spec.description ? ` — ${spec.description}` : ''}`;
}

function formatDefault(value: unknown): string {
  const v = plain(value);
  return Array.isArray(v) ? JSON.stringify(v) : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

// ---------------------------------------------------------------------------------------------
// The statement

/** Blanks out string literals, quoted identifiers and comments, keeping offsets, so a scan sees only code. */
function codeOnly(query: string): string {
  let out = '';
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    const next = query[i + 1];
    if (c === '/' && next === '/') {
      while (i < query.length && query[i] !== '\n') (out += ' '), i++;
    } else if (c === '/' && next === '*') {
      const end = query.indexOf('*/', i + 2);
      const stop = end < 0 ? query.length : end + 2;
      out += query.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < query.length && query[j] !== c) j += query[j] === '\\' && c !== '`' ? 2 : 1;
      out += ' '.repeat(Math.min(j + 1, query.length) - i);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The `$name` parameters a statement uses. */
export function usedParams(query: string): Set<string> {
  return new Set([...codeOnly(query).matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
}

/** Parses a library file: its header, and its single statement checked against the declared parameters. */
export function parseCypherFile(text: string, file = '<text>'): CypherFile {
  const header = parseHeader(text);
  const code = codeOnly(text);
  const semicolons = [...code.matchAll(/;/g)].map((m) => m.index);
  const lastCode = code.trimEnd().length - 1;
  if (semicolons.some((index) => index !== lastCode)) throw new CypherFileError(`${file} holds more than one statement; keep one question per file`);
  const query = (semicolons.length > 0 ? text.slice(0, lastCode) : text).trim();
  if (code.trim() === '' || codeOnly(query).trim() === '') throw new CypherFileError(`${file} holds no statement`);
  const declared = new Set(header.params.map((p) => p.name));
  const used = usedParams(query);
  const problems = [
    ...[...used].filter((p) => !declared.has(p)).map((p) => `$${p} is used but not declared with @param`),
    ...[...declared].filter((p) => !used.has(p)).map((p) => `@param ${p} is declared but never used`),
  ];
  if (problems.length > 0) throw new CypherFileError(`${file} does not match its header`, problems);
  return { path: file, header, query };
}

/** A path, or the name of a file in cypher/analysis with or without `.cypher`. */
export function resolveCypherPath(name: string): string {
  const candidates = [name, path.join(LIBRARY_DIR, name), path.join(LIBRARY_DIR, `${name}.cypher`)];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  if (!found) throw new CypherFileError(`No such Cypher file: ${name} (see npm run cypher -- --list)`);
  return found;
}

export function loadCypherFile(name: string): CypherFile {
  const file = resolveCypherPath(name);
  return parseCypherFile(readFileSync(file, 'utf8'), path.relative(process.cwd(), file) || file);
}

/** Every library file, sorted by name. */
export function libraryFiles(dir = LIBRARY_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cypher'))
    .sort()
    .map((f) => path.join(dir, f));
}

// ---------------------------------------------------------------------------------------------
// Running

/**
 * Runs one statement in a read transaction and returns its columns and rows as plain values
 * (integers as numbers, date-times as ISO strings, nodes as their properties). A statement that
 * would write is refused before it runs (and the read-only session would refuse it anyway).
 */
export async function runQuery(db: GraphDatabase, query: string, params: Record<string, unknown>): Promise<QueryRows> {
  const outcome = await db.read(async (tx): Promise<QueryRows | { refused: string }> => {
    const plan = await tx.run(`EXPLAIN ${query}`, params);
    if (plan.summary.queryType !== 'r') return { refused: plan.summary.queryType };
    const result = tx.run(query, params);
    const columns = await result.keys();
    const { records } = await result;
    const rows = records.map((record) => {
      const row: Record<string, unknown> = {};
      for (const column of columns) row[column] = plain(record.get(column));
      return row;
    });
    return { columns: [...columns], rows };
  });
  if ('refused' in outcome) throw new CypherFileError(`Refusing to run a statement that is not read-only (query type "${outcome.refused}")`);
  return outcome;
}

/** Loads a library file, resolves its parameters and runs it. */
export async function runCypherFile(db: GraphDatabase, name: string, given: Record<string, string> = {}): Promise<QueryRows> {
  const file = loadCypherFile(name);
  const params = resolveParams(file.header.params, given);
  return runQuery(db, file.query, params);
}

// ---------------------------------------------------------------------------------------------
// Output

function cellText(value: unknown, forTable: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (forTable && !Number.isInteger(value)) return String(Number(value.toPrecision(6)));
    return String(value);
  }
  if (typeof value === 'string') return forTable ? value.replace(/\s*[\r\n]+\s*/g, ' ') : value;
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    return value.map((v) => cellText(v, forTable)).join(forTable ? ', ' : ';');
  }
  return JSON.stringify(value);
}

/** An aligned text table: numeric columns right-aligned, lists comma-separated, floats to 6 significant digits. */
export function formatTable({ columns, rows }: QueryRows): string {
  const cells = rows.map((row) => columns.map((c) => cellText(row[c], true)));
  const numeric = columns.map((c) => rows.some((r) => typeof r[c] === 'number') && rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((line) => line[j].length)));
  const pad = (text: string, j: number) => (numeric[j] ? text.padStart(widths[j]) : text.padEnd(widths[j]));
  const line = (values: string[]) => values.map(pad).join('  ').trimEnd();
  const out = [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces. */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV with a header line; lists are joined with `;` (as the importer reads them), maps are JSON. */
export function formatCsv({ columns, rows }: QueryRows): string {
  const lines = [columns.map(csvField).join(','), ...rows.map((row) => columns.map((c) => csvField(cellText(row[c], false))).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function formatJson({ rows }: QueryRows): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export function formatRows(result: QueryRows, format: Format): string {
  return format === 'csv' ? formatCsv(result) : format === 'json' ? formatJson(result) : formatTable(result);
}

// ---------------------------------------------------------------------------------------------
// Command line

const USAGE = `usage: npm run cypher -- <file> [--param name=value ...] [--format table|csv|json]
       npm run cypher -- <file> --help     (the file's question, parameters and columns)
       npm run cypher -- --list            (the files of cypher/analysis)`;

export interface CliArgs {
  file?: string;
  params: Record<string, string>;
  format: Format;
  list: boolean;
  help: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { params: {}, format: 'table', list: false, help: false };
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (flag: string) => {
      const inline = arg.startsWith(`${flag}=`) ? arg.slice(flag.length + 1) : undefined;
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) {
        problems.push(`${flag} needs a value`);
        return undefined;
      }
      return argv[++i];
    };
    if (arg === '--param' || arg === '-p' || arg.startsWith('--param=')) {
      const pair = value(arg.startsWith('--param') ? '--param' : '-p');
      if (pair === undefined) continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) problems.push(`--param takes name=value, not "${pair}"`);
      else if (Object.hasOwn(args.params, pair.slice(0, eq))) problems.push(`parameter "${pair.slice(0, eq)}" is given twice`);
      else args.params[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg === '--format' || arg === '-f' || arg.startsWith('--format=')) {
      const format = value(arg.startsWith('--format') ? '--format' : '-f');
      if (format === undefined) continue;
      if ((FORMATS as readonly string[]).includes(format)) args.format = format as Format;
      else problems.push(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
    } else if (arg === '--list') args.list = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg.startsWith('-')) problems.push(`unknown option ${arg}`);
    else if (args.file === undefined) args.file = arg;
    else problems.push(`one file at a time (got ${args.file} and ${arg})`);
  }
  if (problems.length > 0) throw new CypherFileError('Cannot read the command line', problems);
  return args;
}

function describeFile(file: CypherFile): string {
  const { header } = file;
  const lines = [header.question, ''];
  if (header.description) lines.push(header.description, '');
  lines.push('Parameters:');
  if (header.params.length === 0) lines.push('  (none)');
  for (const p of header.params) lines.push(`  ${p.name}: ${describeParam(p)}`);
  if (header.columns.length > 0) {
    lines.push('', 'Columns:');
    const width = Math.max(...header.columns.map((c) => c.name.length));
    for (const c of header.columns) lines.push(`  ${c.name.padEnd(width)}  ${c.description}`);
  }
  if (header.order) lines.push('', `Order: ${header.order}`);
  return `${lines.join('\n')}\n`;
}

function listLibrary(): string {
  const files = libraryFiles();
  const names = files.map((f) => path.basename(f, '.cypher'));
  const width = Math.max(0, ...names.map((n) => n.length));
  return `${files
    .map((f, i) => {
      let question: string;
      try {
        question = parseHeader(readFileSync(f, 'utf8')).question;
      } catch (error) {
        question = `(unreadable header: ${(error as Error).message})`;
      }
      return `${names[i].padEnd(width)}  ${question}`;
    })
    .join('\n')}\n`;
}

/** Why a run failed, for the person at the terminal (who owns the database; its message helps them fix the query). */
function failureMessage(error: unknown): string {
  if (error instanceof CypherFileError || error instanceof ConfigError) return error.message;
  if (error instanceof AppError) {
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    const detail = typeof cause?.code === 'string' && cause.code.startsWith('Neo.ClientError') && typeof cause.message === 'string' ? `\n${cause.message}` : '';
    return detail ? `The query failed:${detail}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`${failureMessage(error)}\n${USAGE}\n`);
    return 2;
  }
  if (args.list) {
    process.stdout.write(listLibrary());
    return 0;
  }
  if (!args.file) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let file: CypherFile;
  let params: Record<string, unknown>;
  try {
    file = loadCypherFile(args.file);
    if (args.help) {
      process.stdout.write(describeFile(file));
      return 0;
    }
    params = resolveParams(file.header.params, args.params);
  } catch (error) {
    process.stderr.write(`${failureMessage(error)}\n`);
    if (error instanceof CypherFileError && error.problems.length > 0) process.stderr.write(`(npm run cypher -- ${args.file} --help lists its parameters)\n`);
    return 2;
  }

  let db: GraphDatabase;
  let uri: string;
  try {
    const config = loadConfig();
    uri = config.NEO4J_URI ?? `bolt://127.0.0.1:${config.NEO4J_BOLT_PORT}`;
    db = new GraphDatabase({ uri, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD, database: config.NEO4J_DATABASE });
  } catch (error) {
    process.stderr.write(`${failureMessage(error)}\n`);
    return 2;
  }
  try {
    if (!(await db.ping(5_000))) {
      process.stderr.write(`No database answers at ${uri}. Start the service (npm start) or set NEO4J_URI / NEO4J_PASSWORD.\n`);
      return 1;
    }
    const result = await runQuery(db, file.query, params);
    process.stdout.write(formatRows(result, args.format));
    return 0;
  } catch (error) {
    process.stderr.write(`${file.path}: ${failureMessage(error)}\n`);
    return 1;
  } finally {
    await db.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
