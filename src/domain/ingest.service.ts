/**
 * Ingestion: validate every row (fields, ranges, known kinds, references) and report every problem
 * of a request in one answer — schema problems and unresolved references together. With
 * `onInvalid: 'reject'` (the default) a request with any bad row writes nothing; with `'skip'` the
 * valid rows are written and every skipped row is returned with its problems. A JSON request is
 * written in one transaction. References must point at entities that exist already or that are
 * created by rows earlier in the same request/file (see KINDS for the order across kinds).
 * Partial updates (`patchOne`) merge a JSON merge patch (RFC 7396) into the stored entity and
 * write the result through the same path as a full upsert.
 */
import type { z } from 'zod';
import { AppError, notFound, validationError, type Problem } from './errors.js';
import { ENTITY_SHAPES, KINDS, normalizeRow, type EntityKindName, type EntityRef, type KindName, type RowOf } from './model.js';

/** What to do with invalid rows: refuse the whole request (default), or write the valid rows and report the rest. */
export const ON_INVALID = ['reject', 'skip'] as const;
export type OnInvalid = (typeof ON_INVALID)[number];

/** A row left out under `onInvalid: 'skip'`: its index in the request (or line in a file) and why. */
export interface SkippedRow {
  row: number;
  errors: Problem[];
}

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
  /** Rows left out under `onInvalid: 'skip'`, each with its problems. */
  skipped?: SkippedRow[];
}

export interface IngestRepository {
  existingIds(entity: EntityRef, ids: string[]): Promise<Set<string>>;
  /**
   * Writes the rows in one transaction. For ties and events (kinds without an entity of their own)
   * a row whose references do not exist makes the whole write fail with UnresolvedReferences.
   */
  write<K extends KindName>(kind: K, rows: RowOf<K>[]): Promise<WriteCounts>;
  /** The stored fields of one entity (as its row schema names them), or undefined when it does not exist. */
  readEntity(entity: EntityRef, id: string): Promise<Record<string, unknown> | undefined>;
}

export interface ValidatedRows<K extends KindName> {
  rows: RowOf<K>[];
  /** For each valid row, its index in the input. */
  indexes: number[];
  problems: Problem[];
}

const MAX_PROBLEMS = 1000;

/** Checks each raw row against its kind's schema; `pathPrefix` names where rows come from. */
export function validateRows<K extends KindName>(
  kind: K,
  raw: readonly unknown[],
  pathPrefix: (index: number) => (string | number)[] = (i) => ['body', i],
  firstIndex = 0,
  maxProblems = MAX_PROBLEMS,
): ValidatedRows<K> {
  const schema = KINDS[kind].schema as unknown as z.ZodType<RowOf<K>>;
  const rows: RowOf<K>[] = [];
  const indexes: number[] = [];
  const problems: Problem[] = [];
  raw.forEach((value, i) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) {
      rows.push(normalizeRow(kind, parsed.data));
      indexes.push(i);
    } else if (problems.length < maxProblems) {
      for (const issue of parsed.error.issues) {
        problems.push({
          path: [...pathPrefix(firstIndex + i), ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
          message: issue.message,
          code: issue.code,
        });
      }
    }
  });
  return { rows, indexes, problems };
}

/**
 * Finds references to entities that do not exist. `known` holds ids of entities that will exist
 * when these rows are written (created earlier in the same load); it is extended with the ids of
 * entity rows as they are seen.
 */
export class ReferenceChecker {
  /**
   * `placesPerId`: how many rows to name per missing id (all of them when rows are to be skipped);
   * `maxProblems`: at most this many problems are reported.
   */
  constructor(
    private readonly placesPerId = 3,
    private readonly maxProblems = MAX_PROBLEMS,
  ) {}

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
        if (list.length < this.placesPerId) list.push({ index: where, field: ref.field });
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
          if (problems.length >= this.maxProblems) return problems;
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

  /**
   * Writes of ties and events run one at a time in this process; their validation does not wait.
   * Each such write locks both ends of every row, so two large writes side by side mostly wait on
   * each other's locks (and a deadlock retries a whole transaction); queued, the next request is
   * parsed and validated while the current one writes.
   */
  private relationshipWrites: Promise<unknown> = Promise.resolve();

  private write<K extends KindName>(kind: K, rows: RowOf<K>[]): Promise<WriteCounts> {
    if (KINDS[kind].entity !== null) return this.repo.write(kind, rows);
    const run = this.relationshipWrites.then(
      () => this.repo.write(kind, rows),
      () => this.repo.write(kind, rows),
    );
    this.relationshipWrites = run.catch(() => undefined);
    return run;
  }

  /**
   * Validates a whole JSON request and writes it in one transaction. `reject`: any problem writes
   * nothing and answers every problem (schema and references) at once. `skip`: the valid rows are
   * written and the others returned in `skipped`.
   */
  async ingest<K extends KindName>(kind: K, raw: readonly unknown[], options: { onInvalid?: OnInvalid } = {}): Promise<WriteCounts> {
    const onInvalid = options.onInvalid ?? 'reject';
    if (raw.length > this.maxRows) {
      throw validationError(`At most ${this.maxRows} rows per request; use the NDJSON import for more`, [
        { path: ['body'], message: `has ${raw.length} rows, more than ${this.maxRows}`, code: 'too_big' },
      ]);
    }
    const skip = onInvalid === 'skip';
    const limit = skip ? Number.POSITIVE_INFINITY : MAX_PROBLEMS;
    const { rows, indexes, problems } = validateRows(kind, raw, (i) => ['body', i], 0, limit);
    const referenceProblems = async (): Promise<Problem[]> => {
      const refs = new ReferenceChecker(skip ? Number.POSITIVE_INFINITY : 3, limit);
      rows.forEach((row, i) => refs.add(kind, row, ['body', indexes[i]]));
      return refs.problems(this.repo);
    };

    if (!skip) {
      // Entities with references are checked before the write; ties and events are written
      // optimistically and checked only when the write finds an end missing (it then rolls back):
      // the common case costs one query instead of two. With schema problems, references are
      // checked as well so that one answer lists everything.
      if (problems.length > 0 || KINDS[kind].entity !== null) problems.push(...(await referenceProblems()));
      if (problems.length === 0 && rows.length > 0) {
        try {
          return await this.write(kind, rows);
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

    // Skip: write what is valid, report the rest.
    let good = rows;
    if (KINDS[kind].entity !== null) {
      const refProblems = await referenceProblems();
      problems.push(...refProblems);
      good = withoutRows(rows, indexes, refProblems);
    }
    let counts: WriteCounts = { received: 0, created: 0, updated: 0 };
    if (good.length > 0) {
      try {
        counts = await this.write(kind, good);
      } catch (error) {
        if (!(error instanceof UnresolvedReferences)) throw error;
        const refProblems = await referenceProblems();
        problems.push(...refProblems);
        good = withoutRows(rows, indexes, refProblems);
        if (good.length > 0) counts = await this.write(kind, good);
      }
    }
    return { ...counts, received: raw.length, skipped: skippedRows(problems) };
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


  /** Upserts one entity (full replacement of its fields); the id in the path wins over a missing id in the body, and must agree with one given. */
  async upsertOne<K extends KindName>(kind: K, id: string, body: unknown): Promise<WriteCounts> {
    const input = body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as object) } : body;
    if (input && typeof input === 'object') {
      const given = (input as { id?: unknown }).id;
      if (given !== undefined && String(given) !== id) {
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

  /**
   * Applies a JSON merge patch (RFC 7396) to one stored entity: a field present sets it, `null`
   * removes it, an absent field keeps its value; objects (attributes) merge the same way. The
   * merged record is validated like a full upsert and written through the same path. 404 when the
   * entity does not exist. Applying the same patch twice gives the same record.
   */
  async patchOne<K extends EntityKindName>(kind: K, id: string, patch: unknown): Promise<WriteCounts> {
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      throw validationError('A merge patch is a JSON object', [{ path: ['body'], message: 'must be a JSON object', code: 'invalid_type' }]);
    }
    const entity = KINDS[kind].entity as EntityRef;
    if ('id' in patch) {
      const given = (patch as { id?: unknown }).id;
      if (given === null || String(given) !== id) {
        throw validationError('The id of an entity cannot be changed or removed', [
          { path: ['body', 'id'], message: `must equal '${id}' or be left out`, code: 'id_mismatch' },
        ]);
      }
    }
    const stored = await this.repo.readEntity(entity, id);
    if (!stored) throw notFound(entity.charAt(0).toUpperCase() + entity.slice(1), id);
    const current: Record<string, unknown> = {};
    for (const field of Object.keys(ENTITY_SHAPES[kind])) {
      if (stored[field] !== undefined && stored[field] !== null) current[field] = stored[field];
    }
    const merged = mergePatch(current, patch) as Record<string, unknown>;
    // A key the entity does not have stays in the merged record even with null (removing a field
    // that does not exist must not pass silently): the strict row schema then names it.
    for (const [key, value] of Object.entries(patch)) if (value === null && key !== 'id' && !(key in ENTITY_SHAPES[kind])) merged[key] = null;
    return this.upsertOne(kind, id, { ...merged, id });
  }
}

/** RFC 7396 JSON merge patch: objects merge key by key, `null` removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** The rows whose index is not named by any problem (problem paths are ['body' | 'line', index, …]). */
function withoutRows<T>(rows: T[], indexes: number[], problems: Problem[]): T[] {
  const bad = new Set(problems.map((p) => p.path[1]));
  return rows.filter((_, i) => !bad.has(indexes[i]));
}

/** Problems grouped by row, in row order. */
export function skippedRows(problems: Problem[]): SkippedRow[] {
  const byRow = new Map<number, Problem[]>();
  for (const p of problems) {
    const row = p.path[1] as number;
    const list = byRow.get(row);
    if (list) list.push(p);
    else byRow.set(row, [p]);
  }
  return [...byRow.entries()].sort((a, b) => a[0] - b[0]).map(([row, errors]) => ({ row, errors }));
}
