/**
 * Turns a folder of input files (one `<kind>.ndjson` or `<kind>.csv` per kind, the formats of the
 * import API and of `influence-graph generate`) into the typed CSV files of Neo4j's bulk importer,
 * writing the same graph as the REST ingest: the same labels, relationship types and properties,
 * ids as text, times parsed from the same ISO text, numbers as floats (as the driver sends them),
 * attributes as JSON text, KNOWS stored once (from < to), event ids derived the same way.
 *
 * Every row goes through the kind's schema (`validateRows`); references must resolve within the
 * load (the database is empty), in the kinds' order. A key seen twice (an entity id, a tie's
 * kind and ends, an event's id and ends) keeps its last row, as repeated upserts would: the kind's
 * files are then written a second time with only the last rows. Cost: one pass over the input
 * (two for a kind with repeated keys); memory: one key per row kept.
 */
import { createReadStream, closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse';
import { csvRecordToRow } from '../domain/csv-rows.js';
import type { Problem } from '../domain/errors.js';
import { validateRows } from '../domain/ingest.service.js';
import { KINDS, LABELS, type EntityRef, type KindName, type RowOf } from '../domain/model.js';

export interface ImportFileSet {
  nodes: { label: string; file: string }[];
  relationships: { type: string; file: string }[];
  /** A quoted field holds a line break (the importer must be told). */
  multilineFields: boolean;
  /** Rows read per kind (before dropping repeated keys) and written per kind. */
  rows: Partial<Record<KindName, { read: number; written: number; file: string }>>;
  problems: Problem[];
}

const MAX_PROBLEMS = 1000;
const CHUNK = 5000;

/** The input file of a kind in `dir`, if any (NDJSON preferred). */
export function inputFile(dir: string, kind: KindName): string | undefined {
  for (const ext of ['ndjson', 'jsonl', 'csv']) {
    const file = path.join(dir, `${kind}.${ext}`);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Rows of one input file with their line numbers; a line that is not JSON is reported. */
async function* readRows(file: string, problems: Problem[], name: string): AsyncGenerator<{ line: number; value: unknown }> {
  if (file.endsWith('.csv')) {
    const parser = createReadStream(file).pipe(parseCsv({ columns: true, skip_empty_lines: true, relax_column_count: false, info: true }));
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: item.info.lines, value: csvRecordToRow('customers', item.record) };
    }
    return;
  }
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) };
    } catch {
      if (problems.length < MAX_PROBLEMS) problems.push({ path: [name, line], message: 'is not valid JSON', code: 'invalid_json' });
    }
  }
}

/** A CSV file of the importer, buffered. */
class CsvOut {
  private buffer = '';
  private fd: number;
  count = 0;
  constructor(
    readonly file: string,
    header: string,
  ) {
    this.fd = openSync(file, 'w');
    this.buffer = header + '\n';
  }
  row(fields: string[]): void {
    this.buffer += fields.join(',') + '\n';
    this.count++;
    if (this.buffer.length > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buffer) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

let sawLineBreak = false;
const str = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  const text = String(v);
  if (!sawLineBreak && /[\r\n]/.test(text)) sawLineBreak = true;
  return `"${text.replace(/"/g, '""')}"`;
};
const num = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const bool = (v: unknown): string => (v === undefined || v === null ? '' : v ? 'true' : 'false');
const time = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const json = (v: unknown): string => (v === undefined || v === null ? '' : str(JSON.stringify(v)));

type AnyRow = Record<string, unknown>;
type Emit = (row: AnyRow) => void;

/** The files one kind writes, and how a row is written into them. */
interface KindWriter {
  key(row: AnyRow): string;
  open(): { emit: Emit; files: CsvOut[] };
}

const ENGAGEMENT_LABELS = { brand: LABELS.brand, product: LABELS.product, content: LABELS.content, campaign: LABELS.campaign } as const;

function writers(dir: string, out: { nodes: ImportFileSet['nodes']; relationships: ImportFileSet['relationships'] }): Record<KindName, KindWriter> {
  const node = (label: string, name: string, header: string) => {
    const file = new CsvOut(path.join(dir, `${name}.csv`), header);
    out.nodes.push({ label, file: file.file });
    return file;
  };
  const rel = (type: string, name: string, header: string) => {
    const file = new CsvOut(path.join(dir, `${name}.csv`), header);
    out.relationships.push({ type, file: file.file });
    return file;
  };
  const byId = (row: AnyRow) => row.id as string;
  return {
    brands: {
      key: byId,
      open() {
        const n = node(LABELS.brand, 'brand', `id:ID(${LABELS.brand}),name`);
        return { files: [n], emit: (r) => n.row([str(r.id), str(r.name)]) };
      },
    },
    topics: {
      key: byId,
      open() {
        const n = node(LABELS.topic, 'topic', `id:ID(${LABELS.topic}),name`);
        return { files: [n], emit: (r) => n.row([str(r.id), str(r.name)]) };
      },
    },
    products: {
      key: byId,
      open() {
        const n = node(LABELS.product, 'product', `id:ID(${LABELS.product}),name,category,brandId`);
        const offers = rel('OFFERS', 'offers', `:START_ID(${LABELS.brand}),:END_ID(${LABELS.product})`);
        return {
          files: [n, offers],
          emit: (r) => {
            n.row([str(r.id), str(r.name), str(r.category), str(r.brandId)]);
            if (r.brandId) offers.row([str(r.brandId), str(r.id)]);
          },
        };
      },
    },
    campaigns: {
      key: byId,
      open() {
        const n = node(LABELS.campaign, 'campaign', `id:ID(${LABELS.campaign}),name,brandId,startsAt:datetime,endsAt:datetime`);
        const runs = rel('RUNS', 'runs', `:START_ID(${LABELS.brand}),:END_ID(${LABELS.campaign})`);
        return {
          files: [n, runs],
          emit: (r) => {
            n.row([str(r.id), str(r.name), str(r.brandId), time(r.startsAt), time(r.endsAt)]);
            if (r.brandId) runs.row([str(r.brandId), str(r.id)]);
          },
        };
      },
    },
    customers: {
      key: byId,
      open() {
        const n = node(
          LABELS.customer,
          'customer',
          `id:ID(${LABELS.customer}),name,handle,segment,region,optedOut:boolean,createdAt:datetime,attributes`,
        );
        return {
          files: [n],
          emit: (r) =>
            n.row([str(r.id), str(r.name), str(r.handle), str(r.segment), str(r.region), bool(r.optedOut), time(r.createdAt), json(r.attributes)]),
        };
      },
    },
    content: {
      key: byId,
      open() {
        const n = node(
          LABELS.content,
          'content',
          `id:ID(${LABELS.content}),kind,createdAt:datetime,sentiment:double,text,authorId,topicIds:string[],brandId,productId`,
        );
        const posted = rel('POSTED', 'posted', `:START_ID(${LABELS.customer}),:END_ID(${LABELS.content})`);
        const about = rel('ABOUT', 'about', `:START_ID(${LABELS.content}),:END_ID(${LABELS.topic})`);
        const mentionsBrand = rel('MENTIONS', 'mentions-brand', `:START_ID(${LABELS.content}),:END_ID(${LABELS.brand})`);
        const mentionsProduct = rel('MENTIONS', 'mentions-product', `:START_ID(${LABELS.content}),:END_ID(${LABELS.product})`);
        return {
          files: [n, posted, about, mentionsBrand, mentionsProduct],
          emit: (r) => {
            const topics = (r.topicIds as string[] | undefined) ?? [];
            n.row([
              str(r.id),
              str(r.kind),
              time(r.createdAt),
              num(r.sentiment),
              str(r.text),
              str(r.authorId),
              topics.length > 0 ? str(topics.join('\t')) : '',
              str(r.brandId),
              str(r.productId),
            ]);
            posted.row([str(r.authorId), str(r.id)]);
            for (const t of new Set(topics)) about.row([str(r.id), str(t)]);
            if (r.brandId) mentionsBrand.row([str(r.id), str(r.brandId)]);
            if (r.productId) mentionsProduct.row([str(r.id), str(r.productId)]);
          },
        };
      },
    },
    ties: {
      key: (r) => `${r.kind as string}\t${r.from as string}\t${r.to as string}`,
      open() {
        const header = `:START_ID(${LABELS.customer}),:END_ID(${LABELS.customer}),since:datetime,weight:double`;
        const follows = rel('FOLLOWS', 'follows', header);
        const knows = rel('KNOWS', 'knows', header);
        return {
          files: [follows, knows],
          emit: (r) => (r.kind === 'FOLLOWS' ? follows : knows).row([str(r.from), str(r.to), time(r.since), num(r.weight)]),
        };
      },
    },
    interactions: {
      key: (r) => `${r.id as string}\t${r.from as string}\t${r.to as string}`,
      open() {
        const f = rel('INTERACTED', 'interacted', `:START_ID(${LABELS.customer}),:END_ID(${LABELS.customer}),id,kind,at:datetime,count:double,sentiment:double`);
        return { files: [f], emit: (r) => f.row([str(r.from), str(r.to), str(r.id), str(r.kind), time(r.at), num(r.count), num(r.sentiment)]) };
      },
    },
    engagements: {
      key: (r) => `${r.id as string}\t${r.customerId as string}\t${r.targetKind as string}\t${r.targetId as string}`,
      open() {
        const files = Object.fromEntries(
          Object.entries(ENGAGEMENT_LABELS).map(([target, label]) => [
            target,
            rel('ENGAGED', `engaged-${target}`, `:START_ID(${LABELS.customer}),:END_ID(${label}),id,kind,at:datetime,sentiment:double,channel,targetKind`),
          ]),
        ) as Record<keyof typeof ENGAGEMENT_LABELS, CsvOut>;
        return {
          files: Object.values(files),
          emit: (r) =>
            files[r.targetKind as keyof typeof ENGAGEMENT_LABELS].row([
              str(r.customerId),
              str(r.targetId),
              str(r.id),
              str(r.kind),
              time(r.at),
              num(r.sentiment),
              str(r.channel),
              str(r.targetKind),
            ]),
        };
      },
    },
    ratings: {
      key: (r) => `${r.id as string}\t${r.customerId as string}\t${r.brandId as string}`,
      open() {
        const f = rel('RATED', 'rated', `:START_ID(${LABELS.customer}),:END_ID(${LABELS.brand}),id,score:double,at:datetime`);
        return { files: [f], emit: (r) => f.row([str(r.customerId), str(r.brandId), str(r.id), num(r.score), time(r.at)]) };
      },
    },
  };
}

/**
 * Reads every kind's input file in `inputDir` and writes the importer's files into `outDir`.
 * When `problems` is not empty the files are incomplete and must not be imported.
 */
export async function writeImportFiles(inputDir: string, outDir: string, onProgress?: (kind: KindName, rows: number) => void): Promise<ImportFileSet> {
  mkdirSync(outDir, { recursive: true });
  sawLineBreak = false;
  const result: ImportFileSet = { nodes: [], relationships: [], multilineFields: false, rows: {}, problems: [] };
  const all = writers(outDir, result);
  const known = new Map<EntityRef, Set<string>>();
  const problems = result.problems;

  for (const kind of Object.keys(KINDS) as KindName[]) {
    const file = inputFile(inputDir, kind);
    if (!file) continue;
    const name = path.basename(file);
    const spec = KINDS[kind];
    const writer = all[kind];
    const entityIds = spec.entity ? (known.get(spec.entity) ?? new Set<string>()) : undefined;
    if (spec.entity && entityIds) known.set(spec.entity, entityIds);

    /** One pass: validate, check references, emit (all rows, or only each key's last row). */
    const pass = async (last: Map<string, number> | undefined, emit: Emit | undefined): Promise<{ read: number; repeated: boolean; written: number }> => {
      let read = 0;
      let written = 0;
      let repeated = false;
      const seen = last ? undefined : new Map<string, number>();
      let chunk: { line: number; value: unknown }[] = [];
      const flush = () => {
        const { rows, indexes, problems: found } = validateRows(kind, chunk.map((c) => c.value), (i) => [name, chunk[i].line], 0, MAX_PROBLEMS);
        for (const p of found) if (problems.length < MAX_PROBLEMS) problems.push(p);
        rows.forEach((row, i) => {
          const ordinal = read - chunk.length + indexes[i];
          const r = row as RowOf<KindName> as AnyRow;
          if (!last) {
            for (const ref of (spec.references as (row: AnyRow) => { entity: EntityRef; id: string; field: string }[])(r)) {
              if (known.get(ref.entity)?.has(ref.id)) continue;
              if (problems.length < MAX_PROBLEMS) {
                problems.push({
                  path: [name, chunk[indexes[i]].line, ...ref.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))],
                  message: `${ref.entity} '${ref.id}' does not exist`,
                  code: 'unknown_reference',
                });
              }
            }
            const key = writer.key(r);
            if (seen!.has(key)) repeated = true;
            seen!.set(key, ordinal);
            entityIds?.add(r.id as string);
          } else if (last.get(writer.key(r)) !== ordinal) return;
          if (problems.length === 0 && emit) {
            emit(r);
            written++;
          }
        });
        chunk = [];
      };
      for await (const item of readRows(file, last ? [] : problems, name)) {
        chunk.push(item);
        read++;
        if (chunk.length >= CHUNK) {
          flush();
          onProgress?.(kind, read);
        }
      }
      if (chunk.length > 0) flush();
      lastSeen = seen;
      return { read, repeated, written };
    };

    let lastSeen: Map<string, number> | undefined;
    let opened = writer.open();
    const first = await pass(undefined, opened.emit);
    opened.files.forEach((f) => f.close());
    let written = first.written;
    if (first.repeated && problems.length === 0) {
      // Rewrite the kind's files with each key's last row only.
      const last = lastSeen!;
      for (const f of opened.files) {
        result.nodes = result.nodes.filter((n) => n.file !== f.file);
        result.relationships = result.relationships.filter((n) => n.file !== f.file);
      }
      opened = writer.open();
      written = (await pass(last, opened.emit)).written;
      opened.files.forEach((f) => f.close());
    }
    result.rows[kind] = { read: first.read, written, file };
  }
  result.multilineFields = sawLineBreak;
  return result;
}
