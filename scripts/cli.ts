/**
 * The influence-graph command line (`npx influence-graph …` or `npm run cli -- …`).
 *
 *   generate --customers N [--seed S] [--out DIR]        a synthetic customer base as NDJSON files
 *   import <kind> <file.ndjson|file.csv> [--api URL --key KEY] [--batch N] [--on-invalid reject|skip]
 *   load <dir> [--api URL --key KEY]                      every kind of a generated folder, in order
 *   analyze [--algorithms a,b] [--seed S] [--api URL --key KEY]   an analytics run with a progress bar
 *   plan --k N [--brand B] […]                            a campaign plan (seed selection) with a progress bar, seeds as CSV
 *   experts --topic T [--limit N] [--out FILE]            customers ranked as experts on a topic
 *
 * Without --api the CLI talks to the database directly (NEO4J_URI, or the embedded database that
 * `npm start` runs on 127.0.0.1:NEO4J_BOLT_PORT).
 */
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseCsv } from 'csv-parse';
import type { Services } from '../src/app.js';
import { csvRecordToRow } from '../src/domain/csv-rows.js';
import { AppError } from '../src/domain/errors.js';
import { ImportService, type ImportJob } from '../src/domain/import.service.js';
import { ON_INVALID, type OnInvalid } from '../src/domain/ingest.service.js';
import { KIND_NAMES, type KindName } from '../src/domain/model.js';
import { writeDataset, DATASET_FILES } from '../src/generator/generate.js';
import { runAnalyzeCommand } from './cli-analyze.js';
import { EXPERTS_USAGE, runExpertsCommand } from './cli-experts.js';
import { PLAN_USAGE, runPlanCommand } from './cli-plan.js';
import { fail, progressBar, withDirectServices, type Progress } from './cli-common.js';

const USAGE = `usage:
  influence-graph generate --customers N [--seed S] [--out DIR]
  influence-graph import <kind> <file.ndjson|file.csv> [--api URL --key KEY] [--batch N] [--on-invalid reject|skip]
  influence-graph load <dir> [--api URL --key KEY]
  influence-graph analyze [--algorithms pagerank,louvain,…] [--seed S] [--api URL --key KEY]
  ${PLAN_USAGE.replace('usage: ', '')}
  ${EXPERTS_USAGE.replace('usage: ', '')}
kinds: ${KIND_NAMES.join(', ')}`;

/** A CSV file becomes a temporary NDJSON file, so both formats take the same validated path. */
async function toNdjson(kind: KindName, file: string): Promise<{ file: string; cleanup: () => void }> {
  if (!file.toLowerCase().endsWith('.csv')) return { file, cleanup: () => undefined };
  const dir = mkdtempSync(path.join(tmpdir(), 'ig-csv-'));
  const out = path.join(dir, `${kind}.ndjson`);
  const writer = createWriteStream(out);
  const parser = createReadStream(file).pipe(parseCsv({ columns: true, bom: true, skip_empty_lines: true, trim: true }));
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    if (!writer.write(`${JSON.stringify(csvRecordToRow(kind, record))}\n`)) await once(writer, 'drain');
  }
  writer.end();
  await once(writer, 'finish');
  return { file: out, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function summary(job: ImportJob, seconds: number): string {
  if (job.status === 'rejected') {
    const lines = job.errors.slice(0, 20).map((e) => `  ${e.path.join('.')}: ${e.message}`);
    return `${job.kind}: rejected, nothing written — ${job.errorCount} problem(s):\n${lines.join('\n')}${job.errorCount > 20 ? '\n  …' : ''}`;
  }
  const rate = job.rowsWritten / Math.max(seconds, 0.001);
  const skipped = job.rowsSkipped ? `\n${job.errors.slice(0, 20).map((e) => `  skipped ${e.path.join('.')}: ${e.message}`).join('\n')}` : '';
  return `${job.kind}: ${job.status} — ${job.rowsWritten} rows written (${job.created} new, ${job.updated} already there) in ${seconds.toFixed(1)} s, ${Math.round(rate)} rows/s${job.message ? ` — ${job.message}` : ''}${skipped}`;
}

/** Validation progresses over the file's bytes, writing over its rows. */
function showJob(bar: Progress, job: ImportJob): void {
  if (job.status === 'validating') bar.update(job.bytesRead, `${job.kind} validate`);
  else if (job.status === 'writing') {
    if (bar.total() !== job.rowsTotal) bar.start(job.rowsTotal, job.rowsWritten, `${job.kind} write`, 'rows');
    bar.update(job.rowsWritten);
  }
}

async function importDirect(services: Services, kind: KindName, file: string, batch?: number, onInvalid?: OnInvalid): Promise<ImportJob> {
  const bar = progressBar();
  bar.start(statSync(file).size, 0, `${kind} validate`, 'bytes');
  const job = await services.imports.importFile(kind, file, { batchSize: batch, onInvalid, onProgress: (j) => showJob(bar, j) });
  bar.stop();
  return job;
}

async function importViaApi(api: string, key: string, kind: KindName, file: string, onInvalid: OnInvalid = 'reject'): Promise<ImportJob> {
  const headers = { authorization: `Bearer ${key}` };
  const bar = progressBar();
  bar.start(statSync(file).size, 0, `${kind} upload`, 'bytes');
  let sent = 0;
  const stream = createReadStream(file);
  stream.on('data', (chunk) => bar.update((sent += chunk.length)));
  const res = await fetch(`${api.replace(/\/$/, '')}/v1/imports/${kind}?onInvalid=${onInvalid}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-ndjson' },
    body: stream as unknown as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (res.status !== 202) {
    bar.stop();
    fail(`The API refused the import (${res.status}): ${await res.text()}`);
  }
  let job = (await res.json()) as ImportJob;
  while (job.status === 'validating' || job.status === 'writing') {
    await new Promise((r) => setTimeout(r, 500));
    job = (await (await fetch(`${api.replace(/\/$/, '')}/v1/imports/${job.id}`, { headers })).json()) as ImportJob;
    showJob(bar, job);
  }
  bar.stop();
  return job;
}

async function runImport(kind: KindName, input: string, opts: { api?: string; key?: string; batch?: number; onInvalid?: OnInvalid }): Promise<ImportJob> {
  if (!existsSync(input)) fail(`No such file: ${input}`);
  const { file, cleanup } = await toNdjson(kind, input);
  const started = Date.now();
  try {
    const job = opts.api
      ? await importViaApi(opts.api, opts.key ?? fail('--api needs --key'), kind, file, opts.onInvalid)
      : await withDirectServices((services) => importDirect(services, kind, file, opts.batch, opts.onInvalid));
    console.log(summary(job, (Date.now() - started) / 1000));
    if (job.status !== 'completed') process.exitCode = 1;
    return job;
  } finally {
    cleanup();
  }
}

async function main(): Promise<void> {
  // Commands with their own options.
  if (process.argv[2] === 'plan') return runPlanCommand(process.argv.slice(3));
  if (process.argv[2] === 'experts') return runExpertsCommand(process.argv.slice(3));
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      customers: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      api: { type: 'string' },
      key: { type: 'string' },
      batch: { type: 'string' },
      algorithms: { type: 'string' },
      'on-invalid': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const key = values.key ?? process.env.INFLUENCE_GRAPH_KEY;
  const onInvalid = values['on-invalid'] as OnInvalid | undefined;
  if (onInvalid !== undefined && !(ON_INVALID as readonly string[]).includes(onInvalid)) fail(`--on-invalid takes ${ON_INVALID.join(' or ')}`);
  switch (command) {
    case 'generate': {
      const customers = Number(values.customers ?? fail('generate needs --customers N'));
      const seed = Number(values.seed ?? 1);
      const out = values.out ?? `data/generated-${customers}-${seed}`;
      const bar = progressBar();
      let phase = '';
      const started = Date.now();
      const result = await writeDataset(out, {
        customers,
        seed,
        onProgress: (p, done, total) => {
          if (p !== phase) {
            phase = p;
            bar.start(total, done, p, 'rows');
          }
          bar.update(done);
        },
      });
      bar.stop();
      console.log(`wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
      for (const f of Object.values(result.files)) console.log(`  ${path.basename(f.file).padEnd(20)} ${f.rows} rows`);
      return;
    }
    case 'import': {
      const [kind, file] = rest;
      if (!kind || !file) fail(USAGE);
      await runImport(ImportService.assertKind(kind), file, { api: values.api, key, batch: values.batch ? Number(values.batch) : undefined, onInvalid });
      return;
    }
    case 'load': {
      const [dir] = rest;
      if (!dir) fail(USAGE);
      for (const kind of KIND_NAMES) {
        const file = path.join(dir, DATASET_FILES[kind]);
        if (!existsSync(file)) continue;
        const job = await runImport(kind, file, { api: values.api, key, batch: values.batch ? Number(values.batch) : undefined, onInvalid });
        if (job.status !== 'completed') fail(`stopped: ${kind} did not complete`);
      }
      return;
    }
    case 'analyze':
      await runAnalyzeCommand({ api: values.api, key, algorithms: values.algorithms, seed: values.seed });
      return;
    default:
      fail(`unknown command '${command}'\n${USAGE}`);
  }
}

main().catch((error) => {
  console.error(error instanceof AppError ? `${error.code}: ${error.message}` : error);
  process.exit(1);
});
