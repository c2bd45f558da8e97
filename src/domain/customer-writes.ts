/**
 * Lets other services learn of the customers written through an ingest repository — by bulk
 * requests, single upserts, partial updates and NDJSON imports alike, since all of them write
 * through it — after each write has committed (e.g. so an opt-out takes effect at once).
 */
import type { IngestRepository } from './ingest.service.js';
import type { KindName, RowOf } from './model.js';

export type CustomerWriteListener = (rows: readonly RowOf<'customers'>[]) => Promise<void> | void;

/** Wraps `repo.write` in place so `listener` hears every customer batch written; returns the same repository. */
export function observeCustomerWrites<R extends IngestRepository>(repo: R, listener: CustomerWriteListener): R {
  const write = repo.write.bind(repo);
  repo.write = async <K extends KindName>(kind: K, rows: RowOf<K>[]) => {
    const counts = await write(kind, rows);
    if (kind === 'customers') await listener(rows as unknown as RowOf<'customers'>[]);
    return counts;
  };
  return repo;
}
