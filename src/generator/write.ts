/**
 * writeDataset: the dataset as one NDJSON file per kind plus ground-truth.json, streamed in
 * ~1 MB chunks (memory stays at the latent model's size whatever the row count). Each file is
 * written under a `.partial` name and renamed when complete, so a reader never sees half a file.
 */
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetOf } from './dataset.js';
import { groundTruthChunks } from './ground-truth.js';
import { resolveOptions } from './params.js';
import { serializerFor } from './serialize.js';
import {
  DATASET_FILES,
  DATASET_KINDS,
  GROUND_TRUTH_FILE,
  type DatasetKind,
  type GenerateOptions,
  type ResolvedGenerateOptions,
} from './types.js';
import { buildWorld, type World } from './world.js';

/**
 * Progress of `writeDataset`. Phases in order: `model:communities`, `model:ties`,
 * `model:closure`, `model:stances`, `model:content` (customers processed), then one phase per
 * file kind (`customers`, `ties`, …: rows written, or customers processed for interactions,
 * engagements and ratings), then `ground-truth`.
 */
export type ProgressCallback = (phase: string, done: number, total: number) => void;

export interface WriteDatasetOptions extends GenerateOptions {
  onProgress?: ProgressCallback;
}

export interface WrittenFile {
  kind: DatasetKind;
  file: string;
  rows: number;
  bytes: number;
}

export interface WriteDatasetResult {
  dir: string;
  options: ResolvedGenerateOptions;
  /** The NDJSON files, in the order written (`DATASET_KINDS`). */
  files: WrittenFile[];
  groundTruth: { file: string; bytes: number };
  elapsedMs: number;
}

const CHUNK_CHARS = 1 << 20;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function writeChunks(path: string, chunks: Iterable<string>): Promise<number> {
  const partial = `${path}.partial`;
  const fh = await open(partial, 'w');
  let bytes = 0;
  try {
    let buffer = '';
    for (const chunk of chunks) {
      buffer += chunk;
      if (buffer.length >= CHUNK_CHARS) {
        const data = Buffer.from(buffer, 'utf8');
        bytes += data.length;
        await fh.write(data);
        buffer = '';
      }
    }
    if (buffer.length > 0) {
      const data = Buffer.from(buffer, 'utf8');
      bytes += data.length;
      await fh.write(data);
    }
  } finally {
    await fh.close();
  }
  await rename(partial, path);
  return bytes;
}

function* ndjsonLines<T>(rows: Iterable<T>, serialize: (row: T) => string, counter: { rows: number }): Generator<string> {
  for (const row of rows) {
    counter.rows++;
    yield `${serialize(row)}\n`;
  }
}

/** Generates the dataset for `opts` into `dir` (created if missing; existing files replaced). */
export async function writeDataset(dir: string, opts: WriteDatasetOptions): Promise<WriteDatasetResult> {
  const started = Date.now();
  const { onProgress, ...generateOptions } = opts;
  const options = resolveOptions(generateOptions);
  await mkdir(dir, { recursive: true });

  const steps = buildWorld(options);
  let world: World;
  for (;;) {
    const step = steps.next();
    if (step.done) {
      world = step.value;
      break;
    }
    onProgress?.(`model:${step.value.phase}`, step.value.done, step.value.total);
    await yieldToEventLoop();
  }

  const dataset = datasetOf(world);
  const files: WrittenFile[] = [];
  for (const kind of DATASET_KINDS) {
    const file = join(dir, DATASET_FILES[kind]);
    const counter = { rows: 0 };
    const rows = dataset.rows(kind, onProgress ? (done, total) => onProgress(kind, done, total) : undefined);
    const bytes = await writeChunks(file, ndjsonLines(rows, serializerFor(kind), counter));
    files.push({ kind, file, rows: counter.rows, bytes });
  }

  const truthFile = join(dir, GROUND_TRUTH_FILE);
  onProgress?.('ground-truth', 0, 1);
  const truthBytes = await writeChunks(truthFile, groundTruthChunks(world));
  onProgress?.('ground-truth', 1, 1);

  return {
    dir,
    options,
    files,
    groundTruth: { file: truthFile, bytes: truthBytes },
    elapsedMs: Date.now() - started,
  };
}
