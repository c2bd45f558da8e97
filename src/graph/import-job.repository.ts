/** Import jobs kept as (:ImportJob) nodes, so their status survives a restart of the service. */
import type { ImportJob, ImportJobRepository, ImportStatus } from '../domain/import.service.js';
import { int, type GraphDatabase } from './database.js';
import { plain } from './mappers.js';

const SAVE = `MERGE (j:ImportJob {id: $id}) SET j += $props`;
const GET = `MATCH (j:ImportJob {id: $id}) RETURN properties(j) AS j`;
const LIST = `MATCH (j:ImportJob) RETURN properties(j) AS j ORDER BY j.createdAt DESC LIMIT $limit`;
const INTERRUPT = `
MATCH (j:ImportJob) WHERE j.status IN ['validating', 'writing']
SET j.status = 'interrupted', j.message = 'The service stopped while this job ran; resume it to complete it'
RETURN count(j) AS n`;

/**
 * A conditional move to `validating`: the first SET takes the job's write lock, so the status is
 * read after any concurrent claim has committed; only one claim finds it still resumable.
 */
const CLAIM = `
MATCH (j:ImportJob {id: $id})
SET j.claimedAt = $now
WITH j
WHERE j.status IN $from
SET j.status = 'validating', j.bytesRead = 0, j.errors = '[]', j.errorCount = 0, j.message = null, j.finishedAt = null
RETURN properties(j) AS j`;

function toProps(job: ImportJob): Record<string, unknown> {
  const { errors, ...rest } = job;
  const props: Record<string, unknown> = { errors: JSON.stringify(errors) };
  for (const [key, value] of Object.entries(rest)) props[key] = value === undefined ? null : value;
  return props;
}

function fromProps(raw: unknown): ImportJob {
  const p = plain(raw) as Record<string, unknown>;
  const job = { ...p, errors: JSON.parse((p.errors as string) ?? '[]') } as Record<string, unknown>;
  for (const key of Object.keys(job)) if (job[key] === null) delete job[key];
  return job as unknown as ImportJob;
}

export class Neo4jImportJobRepository implements ImportJobRepository {
  constructor(private readonly db: GraphDatabase) {}

  async save(job: ImportJob): Promise<void> {
    await this.db.write((tx) => tx.run(SAVE, { id: job.id, props: toProps(job) }));
  }

  async get(id: string): Promise<ImportJob | undefined> {
    const result = await this.db.read((tx) => tx.run(GET, { id }));
    return result.records[0] ? fromProps(result.records[0].get('j')) : undefined;
  }

  async list(limit: number): Promise<ImportJob[]> {
    const result = await this.db.read((tx) => tx.run(LIST, { limit: int(limit) }));
    return result.records.map((r) => fromProps(r.get('j')));
  }

  async claim(id: string, from: ImportStatus[]): Promise<ImportJob | undefined> {
    const result = await this.db.write((tx) => tx.run(CLAIM, { id, from, now: new Date().toISOString() }));
    return result.records[0] ? fromProps(result.records[0].get('j')) : undefined;
  }

  async markInterrupted(): Promise<number> {
    const result = await this.db.write((tx) => tx.run(INTERRUPT));
    return plain(result.records[0]?.get('n') ?? 0) as number;
  }
}
