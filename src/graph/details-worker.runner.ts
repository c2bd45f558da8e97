/**
 * The snapshot's source with the customers' details read in a worker thread (details-worker.ts):
 * the same answers as Neo4jSnapshotRepository, while the service's event loop keeps answering
 * requests during a run's publication (when the details of the run's customers are read) and
 * during the snapshot's load at start. The packed text columns are unpacked here one column per
 * turn of the event loop.
 */
import { AppError } from '../domain/errors.js';
import { unpackStrings, type PackedStrings } from '../domain/packed-strings.js';
import type { CustomerDetails } from '../domain/snapshot.service.js';
import { runWorker } from '../domain/worker-thread.js';
import type { DetailsWorkerData } from './details-worker.js';
import { Neo4jSnapshotRepository } from './snapshot.repository.js';

interface PackedDetails {
  name: PackedStrings;
  handle: PackedStrings;
  segment: PackedStrings;
  region: PackedStrings;
  optedOut: Uint8Array;
  missing: string[];
}

type Message =
  | { type: 'result'; details: PackedDetails }
  | { type: 'error'; code: string; status: number; message: string; retriable: boolean };

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class WorkerSnapshotRepository extends Neo4jSnapshotRepository {
  override async details(ids: readonly string[]): Promise<CustomerDetails> {
    // Fail as the main thread's reads would while the database is known to be away (e.g. restarting).
    const away = this.db.unavailableError();
    if (away) throw away;
    const workerData: DetailsWorkerData = { settings: this.db.connectionSettings(), ids };
    const packed = await runWorker<PackedDetails, Message>({
      from: import.meta.url,
      entry: './details-worker',
      workerData,
      aborted: () => new Error('aborted'),
      what: 'customer details',
      onMessage: (m, done) => {
        if (m.type === 'result') done.resolve(m.details);
        else done.reject(new AppError(m.code, m.status, m.message, { retriable: m.retriable }));
      },
    });
    const columns: (string | null)[][] = [];
    for (const column of [packed.name, packed.handle, packed.segment, packed.region]) {
      await turn();
      columns.push(unpackStrings(column));
    }
    const [name, handle, segment, region] = columns;
    return { name, handle, segment, region, optedOut: packed.optedOut, missing: packed.missing };
  }
}
