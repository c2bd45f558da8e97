/**
 * NDJSON imports as jobs. The upload is spooled to DATA_DIR/imports/<job>.ndjson; then the job
 * validates every line (JSON, fields, references) before it writes anything. If any line is bad
 * the job ends `rejected` with each problem's line and field, and nothing is written. Otherwise it
 * writes in batches, one transaction each, recording progress on the job. Writes are idempotent
 * (upserts and events merged by id), so a job that was interrupted while writing — cancelled, or
 * the process killed — is completed by running it again (`resume`, or importing the same file
 * again) and ends with exactly the same stored data as an uninterrupted run.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AppError, conflict, notFound, type Problem } from './errors.js';
import { ReferenceChecker, validateRows, type IngestRepository } from './ingest.service.js';
import { KIND_NAMES, type KindName, type RowOf } from './model.js';

export const IMPORT_STATUSES = ['validating', 'writing', 'completed', 'rejected', 'failed', 'cancelled', 'interrupted'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
const ACTIVE: ImportStatus[] = ['validating', 'writing'];

export interface ImportJob {
  id: string;
  kind: KindName;
  status: ImportStatus;
  createdAt: string;
  finishedAt?: string;
  bytesTotal: number;
  bytesRead: number;
  rowsTotal: number;
  rowsWritten: number;
  created: number;
  updated: number;
  /** Writes per second during the writing phase. */
  rowsPerSecond?: number;
  errorCount: number;
  /** The first problems found (at most 100), each with its line and field. */
  errors: Problem[];
  message?: string;
}

export interface ImportJobRepository {
  save(job: ImportJob): Promise<void>;
  get(id: string): Promise<ImportJob | undefined>;
  list(limit: number): Promise<ImportJob[]>;
  /** Marks jobs left active by a previous process as interrupted; returns how many. */
  markInterrupted(): Promise<number>;
}

export interface ImportOptions {
  batchSize?: number;
  onProgress?: (job: ImportJob) => void;
}

const MAX_ERRORS = 100;

async function* lines(file: string, onBytes: (n: number) => void): AsyncGenerator<{ line: string; number: number }> {
  const stream = createReadStream(file);
  stream.on('data', (chunk) => onBytes(chunk.length));
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  let number = 0;
  for await (const line of reader) {
    number++;
    if (line.trim().length > 0) yield { line, number };
  }
}

export class ImportService {
  private readonly running = new Map<string, { cancel: boolean; park?: boolean; done: Promise<void> }>();
  private readonly dir: string;

  constructor(
    private readonly ingest: IngestRepository,
    private readonly jobs: ImportJobRepository,
    dataDir: string,
    private readonly maxBytes: number,
    private readonly batchSize = 5_000,
  ) {
    this.dir = path.join(dataDir, 'imports');
  }

  static assertKind(kind: string): KindName {
    if (!(KIND_NAMES as string[]).includes(kind)) {
      throw new AppError('VALIDATION_FAILED', 400, `Unknown kind '${kind}'`, {
        problems: [{ path: ['params', 'kind'], message: `must be one of ${KIND_NAMES.join(', ')}` }],
      });
    }
    return kind as KindName;
  }

  /** Marks jobs a previous process left active as interrupted (they can be resumed). */
  recover(): Promise<number> {
    return this.jobs.markInterrupted();
  }

  /** Spools an upload and starts its job in the background. Answers once the upload is stored. */
  async startUpload(kind: KindName, body: AsyncIterable<Buffer | string>): Promise<ImportJob> {
    mkdirSync(this.dir, { recursive: true });
    const id = randomUUID();
    const file = this.spoolFile(id);
    const out = createWriteStream(file);
    let bytes = 0;
    try {
      for await (const chunk of body) {
        bytes += chunk.length;
        if (bytes > this.maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', 413, `An import may hold at most ${this.maxBytes} bytes`);
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
    } catch (error) {
      out.destroy();
      if (existsSync(file)) unlinkSync(file);
      throw error;
    }
    const job = this.newJob(id, kind, bytes);
    await this.jobs.save(job);
    this.launch(job, file);
    return job;
  }

  /** Runs an import of a local file to the end (CLI). The file is read in place, not copied. */
  async importFile(kind: KindName, file: string, options: ImportOptions = {}): Promise<ImportJob> {
    const job = this.newJob(randomUUID(), kind, statSync(file).size);
    await this.jobs.save(job);
    await this.run(job, file, { cancel: false }, options);
    return job;
  }

  async get(id: string): Promise<ImportJob> {
    const job = await this.jobs.get(id);
    if (!job) throw notFound('Import job', id);
    return job;
  }

  list(limit = 50): Promise<ImportJob[]> {
    return this.jobs.list(limit);
  }

  /** Asks a running job to stop after its current batch. */
  async cancel(id: string): Promise<ImportJob> {
    const job = await this.get(id);
    const handle = this.running.get(id);
    if (!handle) throw conflict('JOB_NOT_RUNNING', `Import job '${id}' is ${job.status}, not running`);
    handle.cancel = true;
    await handle.done;
    return this.get(id);
  }

  /**
   * Parks every job running in this process, for a stop of the service: each stops after its
   * current batch and ends `interrupted`, resumable. Resolves when they have stopped.
   */
  async park(): Promise<number> {
    const handles = [...this.running.values()];
    for (const handle of handles) Object.assign(handle, { cancel: true, park: true });
    await Promise.all(handles.map((handle) => handle.done));
    return handles.length;
  }

  /** Runs an interrupted, cancelled or failed job again from its spooled file. */
  async resume(id: string): Promise<ImportJob> {
    const job = await this.get(id);
    if (this.running.has(id)) throw conflict('JOB_RUNNING', `Import job '${id}' is already running`);
    if (!['interrupted', 'cancelled', 'failed'].includes(job.status)) {
      throw conflict('JOB_NOT_RESUMABLE', `Import job '${id}' is ${job.status}; only interrupted, cancelled or failed jobs resume`);
    }
    const file = this.spoolFile(id);
    if (!existsSync(file)) throw conflict('JOB_FILE_GONE', `The uploaded data of import job '${id}' is no longer kept; upload it again`);
    const again: ImportJob = { ...job, status: 'validating', bytesRead: 0, errors: [], errorCount: 0, message: undefined, finishedAt: undefined };
    await this.jobs.save(again);
    this.launch(again, file);
    return again;
  }

  /** Waits for a job started in this process (tests, CLI). */
  async wait(id: string): Promise<ImportJob> {
    await this.running.get(id)?.done;
    return this.get(id);
  }

  private spoolFile(id: string): string {
    return path.join(this.dir, `${id}.ndjson`);
  }

  private newJob(id: string, kind: KindName, bytesTotal: number): ImportJob {
    return {
      id,
      kind,
      status: 'validating',
      createdAt: new Date().toISOString(),
      bytesTotal,
      bytesRead: 0,
      rowsTotal: 0,
      rowsWritten: 0,
      created: 0,
      updated: 0,
      errorCount: 0,
      errors: [],
    };
  }

  private launch(job: ImportJob, file: string): void {
    const handle = { cancel: false, done: Promise.resolve() };
    handle.done = this.run(job, file, handle, {}).finally(() => this.running.delete(job.id));
    this.running.set(job.id, handle);
  }

  private async run(job: ImportJob, file: string, handle: { cancel: boolean; park?: boolean }, options: ImportOptions): Promise<void> {
    const progress = options.onProgress ?? (() => undefined);
    const batchSize = options.batchSize ?? this.batchSize;
    try {
      // Pass 1: validate everything; nothing is written unless every line is good.
      const refs = new ReferenceChecker();
      job.bytesRead = 0;
      job.rowsTotal = 0;
      let lastReport = 0;
      for await (const { line, number } of lines(file, (n) => (job.bytesRead += n))) {
        job.rowsTotal++;
        const value = this.parseLine(line, number, job);
        if (value === undefined) continue;
        const { rows, problems } = validateRows(job.kind, [value], () => ['line', number]);
        if (problems.length > 0) this.addProblems(job, problems);
        else refs.add(job.kind, rows[0] as RowOf<KindName>, ['line', number]);
        if (job.rowsTotal - lastReport >= 10_000) {
          lastReport = job.rowsTotal;
          progress(job);
        }
      }
      if (job.errorCount === 0) this.addProblems(job, await refs.problems(this.ingest));
      if (job.errorCount > 0) {
        Object.assign(job, { status: 'rejected', finishedAt: new Date().toISOString(), message: `${job.errorCount} problem(s); nothing was written` });
        await this.jobs.save(job);
        progress(job);
        return;
      }

      // Pass 2: write in batches, one transaction each.
      job.status = 'writing';
      job.rowsWritten = 0;
      job.created = 0;
      job.updated = 0;
      await this.jobs.save(job);
      progress(job);
      const started = Date.now();
      let batch: RowOf<KindName>[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const counts = await this.ingest.write(job.kind, batch);
        job.rowsWritten += batch.length;
        job.created += counts.created;
        job.updated += counts.updated;
        job.rowsPerSecond = Math.round(job.rowsWritten / Math.max(0.001, (Date.now() - started) / 1000));
        batch = [];
        await this.jobs.save(job);
        progress(job);
      };
      for await (const { line, number } of lines(file, () => undefined)) {
        if (handle.cancel) break;
        const { rows } = validateRows(job.kind, [JSON.parse(line)], () => ['line', number]);
        batch.push(rows[0] as RowOf<KindName>);
        if (batch.length >= batchSize) await flush();
      }
      if (handle.park) {
        Object.assign(job, { status: 'interrupted', message: 'The service stopped while this job ran; resume it to complete it' });
      } else if (handle.cancel) {
        Object.assign(job, { status: 'cancelled', finishedAt: new Date().toISOString(), message: 'Cancelled while writing; resume to complete it' });
      } else {
        await flush();
        Object.assign(job, { status: 'completed', finishedAt: new Date().toISOString() });
      }
      await this.jobs.save(job);
      progress(job);
    } catch (error) {
      const safe = error instanceof AppError ? error.message : 'The import stopped on an internal error; resume it to continue';
      Object.assign(job, { status: 'failed', finishedAt: new Date().toISOString(), message: safe });
      await this.jobs.save(job).catch(() => undefined);
      progress(job);
    }
  }

  private parseLine(line: string, number: number, job: ImportJob): unknown {
    try {
      return JSON.parse(line);
    } catch {
      this.addProblems(job, [{ path: ['line', number], message: 'is not valid JSON', code: 'invalid_json' }]);
      return undefined;
    }
  }

  private addProblems(job: ImportJob, problems: Problem[]): void {
    job.errorCount += problems.length;
    for (const p of problems) if (job.errors.length < MAX_ERRORS) job.errors.push(p);
  }

  isActive(job: ImportJob): boolean {
    return ACTIVE.includes(job.status);
  }
}
