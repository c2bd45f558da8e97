/**
 * Runs the scoring phases of an analytics run off the event loop, in a worker thread, so the API
 * (health checks included) keeps answering during a long phase. The projection's typed arrays are
 * transferred to the worker and what the service keeps of it is transferred back with the scores (no
 * copy either way; the caller must use the projection returned, which has no arcs or evidence any
 * more: releaseScoredArcs; the one passed in is left without its arrays, evidence and topics).
 * Aborting terminates the worker at once, whatever kernel it is in.
 * The worker is started by src/domain/worker-thread.ts.
 */
import type { Projection } from './projection.js';
import type { ScoringEvent, ScoringTask } from './run-worker-task.js';
import type { ScoreSet } from './scoring.js';
import { buffersOf } from './in-worker.js';
import { unpackStrings } from './packed-strings.js';
import { unpackScoredText, type PackedScoredText } from './scored-text.js';
import { runWorker, SCORING_YOUNG_GENERATION_MB } from './worker-thread.js';

export class ScoringAborted extends Error {
  constructor() {
    super('The scoring was stopped');
    this.name = 'ScoringAborted';
  }
}

export function runScoringInWorker(
  task: ScoringTask,
  onEvent: (e: ScoringEvent) => void = () => undefined,
  signal?: AbortSignal,
): Promise<{ result: ScoreSet; projection: Projection }> {
  type Scored = { result: ScoreSet; projection: Projection; text: PackedScoredText };
  type Message = ScoringEvent | ({ type: 'result' } & Scored) | { type: 'error'; name?: string; message?: string };
  // A projection read in a worker still has its ids and topics packed: they go packed (as a few
  // strings), not as 100k strings and arrays to clone on this thread.
  const sent: ScoringTask = task.projection.packedText ? { ...task, projection: { ...task.projection, ids: [], topics: [] } } : task;
  const running = runWorker<Scored, Message>({
    from: import.meta.url,
    entry: './run-worker',
    workerData: sent,
    transferList: buffersOf(sent),
    signal,
    aborted: () => new ScoringAborted(),
    what: 'scoring',
    youngGenerationMb: SCORING_YOUNG_GENERATION_MB,
    onMessage: (m, done) => {
      if (m.type === 'result') done.resolve({ result: m.result, projection: m.projection, text: m.text });
      else if (m.type === 'error') {
        const error = new Error(m.message);
        if (m.name) error.name = m.name;
        done.reject(error);
      } else onEvent(m);
    },
  });
  // The worker got its own copy of what cannot be moved (the topics, and the evidence when it was
  // not packed) and sends the projection back whole but for the ids; this thread keeps its ids and
  // drops the rest meanwhile.
  const packedIds = task.projection.ids.length === 0 ? task.projection.packedText?.ids : undefined;
  const ids = packedIds ? (unpackStrings(packedIds) as string[]) : task.projection.ids;
  task.projection.evidence = [];
  task.projection.topics = [];
  task.projection.packedText = undefined;
  return running.then(async ({ result, projection, text }) => {
    await unpackScoredText(text, ids, projection, result);
    return { result, projection };
  });
}
