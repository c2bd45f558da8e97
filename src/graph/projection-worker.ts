/**
 * Worker-thread entry of the projection: streams the customer graph into typed arrays with the
 * same reading as Neo4jProjectionRepository, on a driver of its own (database-worker.ts), posts
 * progress (at most every 200 ms), then the projection with its buffers transferred (the stance
 * evidence packed into typed arrays too, see evidence-pack.ts, and its ids and topics packed into
 * strings, packed-strings.ts), or the error as the AppError fields, and exits. Decoding the records
 * of a large base is seconds of CPU; here it does not hold up the service's requests. It runs at
 * the service's priority: the run waits for it, and Neo4j serves it at that priority anyway.
 * A thread may also start ahead and stand by, connected, for its job (`standby`).
 * See projection-worker.runner.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_PROJECTION, packProjectionText, type ProjectionExtras, type ProjectionOptions } from '../domain/projection.js';
import { STANDING_BY, throttle } from '../domain/in-worker.js';
import type { DatabaseSettings } from './database.js';
import { answerFromDatabase } from './database-worker.js';
import { Neo4jProjectionRepository } from './projection.repository.js';

export interface ProjectionWorkerData {
  settings: DatabaseSettings;
  options?: ProjectionOptions;
  extras?: ProjectionExtras;
  /** Only warm the database's projection path up (Neo4jProjectionRepository.warmUp): the answer is `{ warmedUp }`. */
  warmUp?: boolean;
  /**
   * Stand by: connect, post STANDING_BY, and wait for the job (a message with `options` and
   * `extras`) before reading; a run's projection then pays neither for this thread's start nor for
   * its connection.
   */
  standby?: boolean;
}

/** A projection's job: given with the thread's data, or posted to a thread standing by. */
type Job = Pick<ProjectionWorkerData, 'options' | 'extras'>;

const data = workerData as ProjectionWorkerData;
// Listened for from the start, so that a job posted while this thread still connects is not missed.
const posted = data.standby ? new Promise<Job>((resolve) => parentPort!.once('message', resolve)) : null;
const due = throttle();
await answerFromDatabase(
  data.settings,
  async (db) => {
    if (data.warmUp) return { warmedUp: await new Neo4jProjectionRepository(db).warmUp() };
    let job: Job = data;
    if (posted) {
      await db.read((tx) => tx.run('RETURN 1'));
      parentPort!.postMessage({ type: STANDING_BY });
      job = await posted;
    }
    // Relationship rows are counted one by one: those counts are sent at most every 200 ms.
    const projection = await new Neo4jProjectionRepository(db, 'auto', 'packed').project(
      job.options ?? DEFAULT_PROJECTION,
      (what, rows) => {
        if (what !== 'relationships' || due()) parentPort!.postMessage({ type: 'progress', what, rows });
      },
      undefined,
      job.extras,
    );
    // Its evidence is already packed (typed arrays, moved like the rest; the service never unpacks
    // it); so are the ids and topics (restored on the service's thread in slices, and sent on packed).
    packProjectionText(projection);
    return { projection };
  },
  { priority: 'normal' },
);
