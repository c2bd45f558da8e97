/**
 * Closeness and harmonic centrality of an analytics run in a second worker thread, while the
 * scoring worker goes on with the other phases (betweenness above all): at 1M customers each of
 * the two sampled phases takes about a minute alone; side by side on this project's two cores,
 * memory-bound as both searches are, they took 92–113 s together instead of 122 s one after the
 * other (README "Sizing"). Only the outgoing arcs are sent (copied: the scoring worker still reads them);
 * the kernel and its options are the in-process engine's, so the scores are the same bytes as in
 * the scoring worker for the same seed. Aborting terminates the worker at once. The worker is
 * started by src/domain/worker-thread.ts.
 */
import type { KernelControl, OutArcs } from '../analytics/index.js';
import type { EngineParams } from './engines/engine.js';
import type { DistanceScores } from './scoring.js';
import { runWorker, SCORING_YOUNG_GENERATION_MB } from './worker-thread.js';

export interface DistanceTask {
  graph: OutArcs;
  params: EngineParams;
}

export function closenessAndHarmonicInWorker(g: OutArcs, params: EngineParams, control: KernelControl = {}): Promise<DistanceScores> {
  type Message = { type: 'progress'; fraction: number } | { type: 'result'; scores: DistanceScores } | { type: 'error'; message: string };
  const task: DistanceTask = { graph: { n: g.n, outOffsets: g.outOffsets, outTargets: g.outTargets, outWeights: null }, params };
  return runWorker<DistanceScores, Message>({
    from: import.meta.url,
    entry: './distance-worker',
    workerData: task,
    signal: control.signal,
    aborted: () => new Error('The closeness and harmonic searches were stopped'),
    what: 'closeness',
    youngGenerationMb: SCORING_YOUNG_GENERATION_MB,
    onMessage: (m, done) => {
      if (m.type === 'progress') control.onProgress?.(m.fraction);
      else if (m.type === 'result') done.resolve(m.scores);
      else done.reject(new Error(m.message));
    },
  });
}
