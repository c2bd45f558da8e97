/**
 * Ingestion: validate every row (fields, ranges, known kinds, references), and only when all rows
 * are valid write them. A JSON request is written in one transaction, so a request either lands
 * whole or not at all. References must point at entities that exist already or that are created
 * by rows earlier in the same request/file (a customer row before the ties that use it only works
 * across kinds when the earlier kind was loaded first; see KINDS for the order).
 */
import type { z } from 'zod';
import { AppError, validationError, type Problem } from './errors.js';
import { KINDS, normalizeRow, type EntityRef, type KindName, type RowOf } from './model.js';

/** Thrown inside a write transaction when rows reference something that does not exist (the transaction rolls back). */
export class UnresolvedReferences extends AppError {
  constructor(readonly rows: number) {
    super('UNRESOLVED_REFERENCES', 400, `${rows} row(s) reference entities that do not exist; nothing was written`);
  }
}

export interface WriteCounts {
  received: number;
  created: number;
  updated: number;
}

export interface IngestRepository {
  existingIds(entity: EntityRef, ids: string[]): Promise<Set<string>>;
  /**
   * Writes the rows in one transaction. For ties and events (kinds without an entity of their own)
   * a row whose references do not exist makes the whole write fail with UnresolvedReferences.
   */
  write<K extends KindName>(kind: K, rows: RowOf<K>[]): Promise<WriteCounts>;
}

export interface ValidatedRows<K extends KindName> {
  rows: RowOf<K>[];
  problems: Problem[];
}

const MAX_PROBLEMS = 1000;

/** Checks each raw row against its kind's schema; `pathPrefix` names where rows come from. */
export function validateRows<K extends KindName>(
  kind: K,
  raw: readonly unknown[],
  pathPrefix: (index: number) => (string | number)[] = (i) => ['body', i],
  firstIndex = 0,
): ValidatedRows<K> {
  const schema = KINDS[kind].schema as unknown as z.ZodType<RowOf<K>>;
  const rows: RowOf<K>[] = [];
  const problems: Problem[] = [];
  raw.forEach((value, i) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) rows.push(normalizeRow(kind, parsed.data));
    else if (problems.length < MAX_PROBLEMS) {
      for (const issue of parsed.error.issues) {
        problems.push({
          path: [...pathPrefix(firstIndex + i), ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
          message: issue.message,
          code: issue.code,
        });
      }
    }
  });
  return { rows, problems };
}

/**
 * Finds references to entities that do not exist. `known` holds ids of entities that will exist
 * when these rows are written (created earlier in the same load); it is extended with the ids of
 * entity rows as they are seen.
 */
export class ReferenceChecker {
  private readonly pending = new Map<EntityRef, Map<string, { index: (string | number)[]; field: string }[]>>();
  private readonly known = new Map<EntityRef, Set<string>>();

  /** Records the references of one valid row; `where` is its path prefix for errors. */
  add<K extends KindName>(kind: K, row: RowOf<K>, where: (string | number)[]): void {
    const spec = KINDS[kind];
    for (const ref of (spec.references as (r: RowOf<K>) => { entity: EntityRef; id: string; field: string }[])(row)) {
      if (this.known.get(ref.entity)?.has(ref.id)) continue;
      let byId = this.pending.get(ref.entity);
      if (!byId) this.pending.set(ref.entity, (byId = new Map()));
      const list = byId.get(ref.id);
      if (list) {
        if (list.length < 3) list.push({ index: where, field: ref.field });
      } else byId.set(ref.id, [{ index: where, field: ref.field }]);
    }
    if (spec.entity) {
      const id = (row as { id: string }).id;
      let set = this.known.get(spec.entity);
      if (!set) this.known.set(spec.entity, (set = new Set()));
      set.add(id);
      this.pending.get(spec.entity)?.delete(id);
    }
  }

  /** Problems for every reference that neither the load nor the database resolves. */
  async problems(repo: Pick<IngestRepository, 'existingIds'>): Promise<Problem[]> {
    const problems: Problem[] = [];
    for (const [entity, byId] of this.pending) {
      const ids = [...byId.keys()];
      if (ids.length === 0) continue;
      const existing = await repo.existingIds(entity, ids);
      for (const [id, places] of byId) {
        if (existing.has(id)) continue;
        for (const place of places) {
          if (problems.length >= MAX_PROBLEMS) return problems;
          problems.push({
            path: [...place.index, ...place.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))],
            message: `${entity} '${id}' does not exist`,
            code: 'unknown_reference',
          });
        }
      }
    }
    return problems;
  }
}

export class IngestService {
  constructor(
    private readonly repo: IngestRepository,
    readonly maxRows: number,
  ) {}

  /** Validates a whole JSON request and writes it in one transaction, or writes nothing. */
  async ingest<K extends KindName>(kind: K, raw: readonly unknown[], options: { parsed?: boolean } = {}): Promise<WriteCounts> {
    if (raw.length > this.maxRows) {
      throw validationError(`At most ${this.maxRows} rows per request; use the NDJSON import for more`, [
        { path: ['body'], message: `has ${raw.length} rows, more than ${this.maxRows}`, code: 'too_big' },
      ]);
    }
    // Rows the HTTP layer already parsed with the same schema only need their derived fields.
    const { rows, problems } = options.parsed
      ? { rows: raw.map((row) => normalizeRow(kind, row as RowOf<K>)), problems: [] as Problem[] }
      : validateRows(kind, raw);
    const referenceProblems = async () => {
      const refs = new ReferenceChecker();
      rows.forEach((row, i) => refs.add(kind, row, ['body', i]));
      return refs.problems(this.repo);
    };
    // Entities with references are checked first; ties and events are written optimistically and
    // checked only when the write finds an end missing (it then rolls back): the common case
    // costs one query instead of two.
    if (problems.length === 0 && KINDS[kind].entity !== null) problems.push(...(await referenceProblems()));
    if (problems.length === 0 && rows.length > 0) {
      try {
        return await this.repo.write(kind, rows);
      } catch (error) {
        if (!(error instanceof UnresolvedReferences)) throw error;
        problems.push(...(await referenceProblems()));
        if (problems.length === 0) throw error;
      }
    }
    if (problems.length > 0) {
      const rowsWithProblems = new Set(problems.map((p) => p.path[1])).size;
      throw validationError(`${rowsWithProblems} row(s) are invalid; nothing was written`, problems);
    }
    return { received: 0, created: 0, updated: 0 };
  }

  /**
   * Loads a stream of rows in batches (the demo loader, the CLI's direct mode for generated data):
   * each batch is validated whole and written in one transaction; a bad batch stops the load.
   */
  async ingestStream<K extends KindName>(
    kind: K,
    rows: Iterable<unknown>,
    batchSize = this.maxRows,
    onBatch?: (written: number) => void,
  ): Promise<WriteCounts> {
    const total: WriteCounts = { received: 0, created: 0, updated: 0 };
    let batch: unknown[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const counts = await this.ingest(kind, batch);
      total.received += counts.received;
      total.created += counts.created;
      total.updated += counts.updated;
      batch = [];
      onBatch?.(total.received);
    };
    for (const row of rows) {
      batch.push(row);
      if (batch.length >= Math.min(batchSize, this.maxRows)) await flush();
    }
    await flush();
    return total;
  }

  /** Upserts one entity; the id in the path wins over a missing id in the body, and must agree with one given. */
  async upsertOne<K extends KindName>(kind: K, id: string, body: unknown): Promise<WriteCounts> {
    const input = body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as object) } : body;
    if (input && typeof input === 'object') {
      const given = (input as { id?: unknown }).id;
      if (given !== undefined && given !== id) {
        throw validationError('The id in the body differs from the id in the path', [
          { path: ['body', 'id'], message: `must equal '${id}' or be left out`, code: 'id_mismatch' },
        ]);
      }
      (input as { id: string }).id = id;
    }
    try {
      return await this.ingest(kind, [input]);
    } catch (error) {
      // A single entity's problems are reported without the row index.
      if (error instanceof Error && 'problems' in error) {
        for (const p of (error as { problems: Problem[] }).problems) if (p.path[1] === 0) p.path.splice(1, 1);
      }
      throw error;
    }
  }
}
