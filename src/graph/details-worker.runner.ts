/**
 * The snapshot's source with the customers' details read in a worker thread (details-worker.ts):
 * the same answers as Neo4jSnapshotRepository, while the service's event loop keeps answering
 * requests during a run's publication (when the details of the run's customers are read) and
 * during the snapshot's load at start. The packed text columns are unpacked here one column per
 * turn of the event loop.
 */
import { nextTurn, unpackStrings, type PackedStrings } from '../domain/packed-strings.js';
import type { CustomerDetails } from '../domain/snapshot.service.js';
import { readInWorker } from './database-worker.runner.js';
import { Neo4jSnapshotRepository } from './snapshot.repository.js';

interface PackedDetails {
  name: PackedStrings;
  handle: PackedStrings;
  segment: PackedStrings;
  region: PackedStrings;
  optedOut: Uint8Array;
  missing: string[];
}

export class WorkerSnapshotRepository extends Neo4jSnapshotRepository {
  override async details(ids: readonly string[]): Promise<CustomerDetails> {
    const packed = await readInWorker<PackedDetails, { details: PackedDetails }>(this.db, {
      from: import.meta.url,
      entry: './details-worker',
      data: { ids },
      what: 'customer details',
      take: (r) => r.details,
      // It runs during the publication, often the service's peak: at 100k customers 498–522 MB
      // with 6 MB, 527–555 MB with V8's default 48 MB (bench/results/publication-2026-12-01.md).
      youngGenerationMb: 6,
    });
    const columns: (string | null)[][] = [];
    for (const column of [packed.name, packed.handle, packed.segment, packed.region]) {
      await nextTurn();
      columns.push(unpackStrings(column));
    }
    const [name, handle, segment, region] = columns;
    return { name, handle, segment, region, optedOut: packed.optedOut, missing: packed.missing };
  }
}
