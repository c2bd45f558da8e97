/**
 * The projection read in a worker thread (projection-worker.ts): the same Projection as
 * Neo4jProjectionRepository, with its typed arrays transferred back (no copy), while the service's
 * event loop keeps answering. Its stance evidence comes back packed (`packedEvidence`, `evidence`
 * empty): the scoring's stance phase reads it packed, a customer at a time (eachEvidence); a
 * caller that wants the Maps here calls unpackProjectionEvidence. Its ids and topics come packed too and are restored here a slice per
 * turn of the event loop, with the packed copy kept (`packedText`) for the scoring worker.
 * Aborting terminates the worker at once; the database rolls back its read transactions when the
 * connection drops.
 */
import { restoreProjectionText, type Projection, type ProjectionExtras, type ProjectionOptions, type ProjectionSource } from '../domain/projection.js';
import type { GraphDatabase } from './database.js';
import { readInWorker } from './database-worker.runner.js';

export class ProjectionAborted extends Error {
  constructor() {
    super('The projection was stopped');
    this.name = 'ProjectionAborted';
  }
}

export class WorkerProjectionSource implements ProjectionSource {
  constructor(private readonly db: GraphDatabase) {}

  /** Neo4jProjectionRepository.warmUp in a worker thread (its sample's chunks are decoded there); aborting stops it at once. */
  warmUp(signal?: AbortSignal): Promise<boolean> {
    return readInWorker<boolean, { warmedUp: boolean }>(this.db, {
      from: import.meta.url,
      entry: './projection-worker',
      data: { options: {}, warmUp: true },
      what: 'projection warm-up',
      signal,
      aborted: () => new ProjectionAborted(),
      take: (r) => r.warmedUp,
    });
  }

  async project(
    options: ProjectionOptions,
    onProgress: (what: string, rows: number) => void = () => undefined,
    signal?: AbortSignal,
    extras: ProjectionExtras = {},
  ): Promise<Projection> {
    const projection = await readInWorker<Projection, { projection: Projection }, { what: string; rows: number }>(this.db, {
      from: import.meta.url,
      entry: './projection-worker',
      data: { options, extras },
      what: 'projection',
      signal,
      aborted: () => new ProjectionAborted(),
      take: (r) => r.projection,
      onOther: (m) => onProgress(m.what, m.rows),
    });
    // Its ids and topics come packed: restored here a slice per turn, the packed copy kept for the scoring worker.
    await restoreProjectionText(projection);
    return projection;
  }
}
