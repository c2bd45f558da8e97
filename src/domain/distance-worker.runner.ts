/**
 * The sampled searches of an analytics run — closeness and harmonic (one set of searches), then
 * betweenness — in a second worker thread, while the scoring worker goes on with the other
 * phases. Each search keeps its hot state in bitsets that stay in the core's own cache
 * (src/analytics/level-order.ts), so the two threads slow each other far less than when every
 * search read a distance array at random. Only the outgoing arcs are sent (copied: the scoring
 * worker still reads them); the kernels and their options are the in-process engine's, so the
 * scores are the same bytes as in the scoring worker for the same seed. The closeness and harmonic
 * scores come back as soon as they are done, betweenness when the worker ends. Aborting terminates
 * the worker at once. The worker is started by src/domain/worker-thread.ts.
 */
import type { CsrGraph, KernelControl } from '../analytics/index.js';
import type { EngineParams, EngineResults } from './engines/engine.js';
import type { DistanceScores } from './scoring.js';
import { runWorker, SCORING_YOUNG_GENERATION_MB } from './worker-thread.js';

export type BetweennessScores = NonNullable<EngineResults['betweenness']>;

/** Which searches the worker runs. */
export interface SearchWanted {
  distances: boolean;
  betweenness: boolean;
}

export type SearchName = keyof SearchWanted;

export interface DistanceTask {
  graph: Pick<CsrGraph, 'n' | 'm' | 'directed' | 'outOffsets' | 'outTargets'>;
  params: EngineParams;
  wanted: SearchWanted;
}

/** The searches' results, each settled on its own (undefined when not wanted). */
export interface OffloadedSearches {
  distances?: Promise<DistanceScores>;
  betweenness?: Promise<BetweennessScores>;
}

export type SearchMessage =
  | { type: 'progress'; search: SearchName; fraction: number }
  | { type: 'distances'; scores: DistanceScores }
  | { type: 'result'; betweenness?: BetweennessScores }
  | { type: 'error'; message: string };

export interface SearchControl {
  signal?: AbortSignal;
  onProgress?: (search: SearchName, fraction: number) => void;
}

export function searchesInWorker(g: CsrGraph, params: EngineParams, wanted: SearchWanted, control: SearchControl = {}): OffloadedSearches {
  const task: DistanceTask = { graph: { n: g.n, m: g.m, directed: g.directed, outOffsets: g.outOffsets, outTargets: g.outTargets }, params, wanted };
  let distancesDone: ((scores: DistanceScores) => void) | undefined;
  const distances = wanted.distances ? new Promise<DistanceScores>((resolve) => (distancesDone = resolve)) : undefined;
  const run = runWorker<BetweennessScores | undefined, SearchMessage>({
    from: import.meta.url,
    entry: './distance-worker',
    workerData: task,
    signal: control.signal,
    aborted: () => new Error('The sampled searches were stopped'),
    what: 'sampled searches',
    youngGenerationMb: SCORING_YOUNG_GENERATION_MB,
    onMessage: (m, done) => {
      if (m.type === 'progress') control.onProgress?.(m.search, m.fraction);
      else if (m.type === 'distances') distancesDone?.(m.scores);
      else if (m.type === 'result') done.resolve(m.betweenness);
      else done.reject(new Error(m.message));
    },
  });
  const result: OffloadedSearches = {};
  // Closeness and harmonic settle when their message comes, or with the worker's failure.
  if (distances) result.distances = Promise.race([distances, run.then(() => distances)]);
  if (wanted.betweenness) {
    result.betweenness = run.then((b) => {
      if (!b) throw new Error('The sampled searches ended without betweenness');
      return b;
    });
  }
  return result;
}
