/**
 * NDJSON imports as jobs. The upload is spooled to DATA_DIR/imports/<job>.ndjson (mode 600); then
 * the job validates every line (JSON, fields, references) before it writes anything. With
 * `onInvalid: 'reject'` (the default) any bad line ends the job `rejected` with each problem's line
 * and field — schema and reference problems together — and nothing is written; with `'skip'` the
 * bad lines are left out (counted in `rowsSkipped`, the first problems in `errors`) and the rest is
 * written. Writing goes in batches, one transaction each, recording progress on the job. Writes are
 * idempotent (upserts and events merged by id), so a job that was interrupted while writing —
 * cancelled, failed, or the process stopped — is completed by `resume` (started once however many
 * calls race: the claim is a conditional update of the stored job) and ends with the same stored
 * data as an uninterrupted run.
 *
 * Uploads are kept only while their job can resume (failed, interrupted, cancelled), and for at
 * most IMPORT_RETENTION_HOURS; finished jobs' uploads are deleted at once, the rest swept at start
 * and periodically. `forgetCustomer` rewrites the kept uploads without the lines that mention an
 * erased customer, so a resume cannot bring them back.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AppError, conflict, notFound, type Problem } from './errors.js';
import { ReferenceChecker, validateRows, type IngestRepository, type OnInvalid } from './ingest.service.js';
import { KIND_NAMES, type KindName, type RowOf } from './model.js';

export const IMPORT_STATUSES = ['validating', 'writing', 'completed', 'rejected', 'failed', 'cancelled', 'interrupted'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
const ACTIVE: ImportStatus[] = ['validating', 'writing'];
/** Statuses from which a job can be resumed (its upload is kept meanwhile). */
export const RESUMABLE: ImportStatus[] = ['interrupted', 'cancelled', 'failed'];
const STORAGE_ERRORS = new Set(['ENOSPC', 'EROFS', 'EACCES', 'EDQUOT', 'EPERM']);

/** A full, read-only or forbidden upload directory: a retriable 507 rather than an internal error. */
function storageError(error: unknown): AppError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !STORAGE_ERRORS.has(code)) return undefined;
  return new AppError('INSUFFICIENT_STORAGE', 507, `The import upload cannot be stored right now (${code}); try again later`, {
    retriable: true,
    cause: error,
  });
}

/** The logger the service reports through (the app's pino logger). */
export interface ImportLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

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
  /** What the job does with invalid lines (default reject). */
  onInvalid?: OnInvalid;
  /** Lines left out under onInvalid=skip. */
  rowsSkipped?: number;
}

export interface ImportJobRepository {
  save(job: ImportJob): Promise<void>;
  get(id: string): Promise<ImportJob | undefined>;
  list(limit: number): Promise<ImportJob[]>;
  /** Marks jobs left active by a previous process as interrupted; returns how many. */
  markInterrupted(): Promise<number>;
  /**
   * Atomically moves a job from one of `from` to `validating` (resets its progress) and returns
   * it; undefined when the job is not in one of those statuses (another caller claimed it first).
   */
  claim(id: string, from: ImportStatus[]): Promise<ImportJob | undefined>;
}

export interface ImportOptions {
  batchSize?: number;
  onProgress?: (job: ImportJob) => void;
  onInvalid?: OnInvalid;
}

export interface ImportServiceOptions {
  batchSize?: number;
  /** How long the upload of a resumable job is kept, in hours. */
  retentionHours?: number;
  logger?: ImportLogger;
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
  private readonly batchSize: number;
  private readonly retentionMs: number;
  private readonly logger?: ImportLogger;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly ingest: IngestRepository,
    private readonly jobs: ImportJobRepository,
    dataDir: string,
    private readonly maxBytes: number,
    options: ImportServiceOptions | number = {},
  ) {
    this.dir = path.join(dataDir, 'imports');
    const o = typeof options === 'number' ? { batchSize: options } : options;
    this.batchSize = o.batchSize ?? 5_000;
    this.retentionMs = (o.retentionHours ?? 72) * 3_600_000;
    this.logger = o.logger;
  }

  static assertKind(kind: string): KindName {
    if (!(KIND_NAMES as string[]).includes(kind)) {
      throw new AppError('VALIDATION_FAILED', 400, `Unknown kind '${kind}'`, {
        problems: [{ path: ['params', 'kind'], message: `must be one of ${KIND_NAMES.join(', ')}` }],
      });
    }
    return kind as KindName;
  }

  /**
   * Marks jobs a previous process left active as interrupted (they can be resumed), deletes the
   * uploads no job needs any more, and sweeps again every `sweepEveryMs` until `park()`.
   */
  async recover(sweepEveryMs = 3_600_000): Promise<number> {
    const interrupted = await this.jobs.markInterrupted();
    await this.sweep();
    if (!this.sweeper) {
      this.sweeper = setInterval(() => {
        this.sweep().catch((error: unknown) => this.logger?.warn({ err: error }, 'import upload sweep failed'));
      }, sweepEveryMs);
      this.sweeper.unref();
    }
    return interrupted;
  }

  /**
   * Deletes every spooled upload whose job cannot resume (finished, unknown) or was kept longer
   * than the retention; a job whose upload expires says so in its message. Returns the files deleted.
   */
  async sweep(now = Date.now()): Promise<number> {
    if (!existsSync(this.dir)) return 0;
    let deleted = 0;
    for (const name of readdirSync(this.dir)) {
      const m = /^(.+)\.ndjson$/.exec(name);
      if (!m || this.running.has(m[1])) continue;
      const file = path.join(this.dir, name);
      const job = await this.jobs.get(m[1]);
      if (job && ACTIVE.includes(job.status)) continue;
      const expired = now - statSync(file).mtimeMs > this.retentionMs;
      if (job && RESUMABLE.includes(job.status) && !expired) continue;
      unlinkSync(file);
      deleted++;
      if (job && RESUMABLE.includes(job.status)) {
        await this.jobs.save({ ...job, message: 'The uploaded data is no longer kept (retention period over); upload it again' });
      }
      this.logger?.info({ importId: m[1], status: job?.status ?? 'unknown', expired }, 'import upload deleted');
    }
    return deleted;
  }

  /**
   * Rewrites every kept upload without the lines that mention customer `id` (as the row's own id
   * for customers, or in any customer reference), so that an erased customer does not survive in
   * them and a resume cannot re-create it. Lines that are not JSON but contain the id are dropped
   * too. Returns the number of lines removed.
   */
  async forgetCustomer(id: string): Promise<number> {
    if (!existsSync(this.dir)) return 0;
    let removed = 0;
    for (const name of readdirSync(this.dir)) {
      const m = /^(.+)\.ndjson$/.exec(name);
      if (!m) continue;
      const job = await this.jobs.get(m[1]);
      const kind = job?.kind;
      const file = path.join(this.dir, name);
      const tmp = `${file}.${process.pid}.tmp`;
      const out = createWriteStream(tmp, { mode: 0o600 });
      let dropped = 0;
      const closed = once(out, 'close');
      try {
        for await (const { line } of lines(file, () => undefined)) {
          if (mentionsCustomer(kind, line, id)) {
            dropped++;
            continue;
          }
          if (!out.write(`${line}\n`)) await once(out, 'drain');
        }
        out.end();
        await closed;
      } catch (error) {
        out.destroy();
        if (existsSync(tmp)) unlinkSync(tmp);
        throw error;
      }
      if (dropped > 0) {
        renameSync(tmp, file);
        removed += dropped;
        this.logger?.info({ importId: m[1], lines: dropped }, 'erased customer removed from a kept import upload');
      } else unlinkSync(tmp);
    }
    return removed;
  }

  /** Spools an upload and starts its job in the background. Answers once the upload is stored. */
  async startUpload(kind: KindName, body: AsyncIterable<Buffer | string>, options: { onInvalid?: OnInvalid } = {}): Promise<ImportJob> {
    const id = randomUUID();
    const file = this.spoolFile(id);
    let bytes = 0;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const out = createWriteStream(file, { mode: 0o600 });
      // Errors of the file (open, write) reject this promise instead of escaping as an 'error' event.
      const failed = new Promise<never>((_, reject) => out.once('error', reject));
      failed.catch(() => undefined);
      try {
        for await (const chunk of body) {
          bytes += chunk.length;
          if (bytes > this.maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', 413, `An import may hold at most ${this.maxBytes} bytes`);
          if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
        }
        out.end();
        await Promise.race([once(out, 'finish'), failed]);
      } catch (error) {
        out.destroy();
        throw error;
      }
    } catch (error) {
      try {
        if (existsSync(file)) unlinkSync(file);
      } catch {
        // the directory itself may be unwritable
      }
      const storage = storageError(error);
      if (storage) this.logger?.warn({ importId: id, err: error }, 'import upload could not be stored');
      throw storage ?? error;
    }
    const job = { ...this.newJob(id, kind, bytes), onInvalid: options.onInvalid ?? 'reject' };
    await this.jobs.save(job);
    this.launch(job, file);
    return job;
  }

  /** Runs an import of a local file to the end (CLI). The file is read in place, not copied (and never deleted). */
  async importFile(kind: KindName, file: string, options: ImportOptions = {}): Promise<ImportJob> {
    const job = { ...this.newJob(randomUUID(), kind, statSync(file).size), onInvalid: options.onInvalid ?? 'reject' };
    await this.jobs.save(job);
    await this.run(job, file, { cancel: false, external: true }, options);
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
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    const handles = [...this.running.values()];
    for (const handle of handles) Object.assign(handle, { cancel: true, park: true });
    await Promise.all(handles.map((handle) => handle.done));
    return handles.length;
  }

  /** Runs an interrupted, cancelled or failed job again from its spooled file. */
  async resume(id: string): Promise<ImportJob> {
    const job = await this.get(id);
    if (this.running.has(id)) throw conflict('JOB_RUNNING', `Import job '${id}' is already running`);
    if (!RESUMABLE.includes(job.status)) {
      throw conflict('JOB_NOT_RESUMABLE', `Import job '${id}' is ${job.status}; only interrupted, cancelled or failed jobs resume`);
    }
    const file = this.spoolFile(id);
    if (!existsSync(file)) throw conflict('JOB_FILE_GONE', `The uploaded data of import job '${id}' is no longer kept; upload it again`);
    // The claim is a conditional update in the database: of concurrent calls (in this process or
    // any other), exactly one moves the job out of its resumable status and runs it.
    const again = await this.jobs.claim(id, RESUMABLE);
    if (!again) throw conflict('JOB_RUNNING', `Import job '${id}' was resumed by another request`);
    this.logger?.info({ importId: id }, 'import job resumed');
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

  private async run(
    job: ImportJob,
    file: string,
    handle: { cancel: boolean; park?: boolean; external?: boolean },
    options: ImportOptions,
  ): Promise<void> {
    const progress = options.onProgress ?? (() => undefined);
    const batchSize = options.batchSize ?? this.batchSize;
    const skip = (job.onInvalid ?? 'reject') === 'skip';
    const log = this.logger;
    try {
      // Pass 1: validate everything — fields and references together. Under reject nothing is
      // written unless every line is good; under skip the bad lines are remembered and left out.
      const refs = new ReferenceChecker(skip ? Number.POSITIVE_INFINITY : 3, skip ? Number.POSITIVE_INFINITY : 1000);
      const badLines = new Set<number>();
      job.bytesRead = 0;
      job.rowsTotal = 0;
      job.errorCount = 0;
      job.errors = [];
      let lastReport = 0;
      for await (const { line, number } of lines(file, (n) => (job.bytesRead += n))) {
        job.rowsTotal++;
        const value = this.parseLine(line, number, job);
        if (value === undefined) {
          badLines.add(number);
          continue;
        }
        const { rows, problems } = validateRows(job.kind, [value], () => ['line', number]);
        if (problems.length > 0) {
          this.addProblems(job, problems);
          badLines.add(number);
        } else refs.add(job.kind, rows[0] as RowOf<KindName>, ['line', number]);
        if (job.rowsTotal - lastReport >= 10_000) {
          lastReport = job.rowsTotal;
          progress(job);
        }
      }
      const refProblems = await refs.problems(this.ingest);
      this.addProblems(job, refProblems);
      for (const p of refProblems) badLines.add(p.path[1] as number);
      job.errors.sort((a, b) => (a.path[1] as number) - (b.path[1] as number));
      if (skip) job.rowsSkipped = badLines.size;
      if (job.errorCount > 0 && !skip) {
        Object.assign(job, { status: 'rejected', finishedAt: new Date().toISOString(), message: `${job.errorCount} problem(s); nothing was written` });
        await this.jobs.save(job);
        progress(job);
        log?.info({ importId: job.id, kind: job.kind, problems: job.errorCount }, 'import job rejected');
        if (!handle.external) this.discard(job.id);
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
        if (badLines.has(number)) continue;
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
        Object.assign(job, {
          status: 'completed',
          finishedAt: new Date().toISOString(),
          ...(skip && badLines.size > 0 ? { message: `${badLines.size} line(s) skipped; the others were written` } : {}),
        });
      }
      await this.jobs.save(job);
      progress(job);
      log?.info({ importId: job.id, kind: job.kind, status: job.status, rowsWritten: job.rowsWritten, rowsSkipped: job.rowsSkipped }, 'import job ended');
      if ((job.status as ImportStatus) === 'completed' && !handle.external) this.discard(job.id);
    } catch (error) {
      const safe = error instanceof AppError ? error.message : 'The import stopped on an internal error; resume it to continue';
      Object.assign(job, { status: 'failed', finishedAt: new Date().toISOString(), message: safe });
      log?.error({ importId: job.id, kind: job.kind, err: error }, 'import job failed');
      await this.jobs.save(job).catch((saveError: unknown) => log?.error({ importId: job.id, err: saveError }, 'could not record the failed import job'));
      progress(job);
    }
  }

  /** Deletes the upload of a job that will not run again. */
  private discard(id: string): void {
    try {
      unlinkSync(this.spoolFile(id));
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') this.logger?.warn({ importId: id, err: error }, 'could not delete an import upload');
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

/** Whether an upload line of `kind` mentions customer `id` (its own id, or any customer reference). */
export function mentionsCustomer(kind: KindName | undefined, line: string, id: string): boolean {
  if (!line.includes(id)) return false;
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return true;
  }
  if (!kind || row === null || typeof row !== 'object') return true;
  const r = row as Record<string, unknown>;
  const same = (v: unknown) => v !== undefined && v !== null && String(v) === id;
  if (kind === 'customers') return same(r.id);
  const fields = { content: ['authorId'], ties: ['from', 'to'], interactions: ['from', 'to'], engagements: ['customerId'], ratings: ['customerId'] } as Partial<
    Record<KindName, string[]>
  >;
  return (fields[kind] ?? []).some((f) => same(r[f]));
}
