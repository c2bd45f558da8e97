/**
 * The scoring part of an analytics run as a task a worker thread (run-worker.ts) or the calling
 * thread performs: the algorithm phases of scoring.ts over one projection, each phase's start and
 * end reported, then the scores; the projection is left without its arcs and evidence, which only
 * the scoring reads (the influence phase, the last, drops them: releaseScoredArcs). Shared by both so the two give the same results for a seed.
 * With `threads` ≥ 2 the sampled searches (closeness and harmonic, then betweenness) run in a second
 * worker thread beside the other phases (distance-worker.runner.ts): the same scores, sooner.
 */
import { searchesInWorker } from './distance-worker.runner.js';
import type { EngineResults } from './engines/engine.js';
import { networkCsrsOf } from './network-graph.js';
import { unpackProjectionText, type Projection } from './projection.js';
import { scoringPhases, type RunParams, type ScoreSet } from './scoring.js';

export interface ScoringTask {
  projection: Projection;
  params: RunParams;
  previousMaxCommunityId: number;
  /** Engine phases a remote engine already computed (their phases are then reported by the caller, not here). */
  precomputed?: EngineResults;
  /** Threads the scoring may keep busy (default 1): from 2 on, the sampled searches run in their own. */
  threads?: number;
}

export type ScoringEvent =
  | { type: 'phase'; name: string; state: 'running' }
  | { type: 'phase'; name: string; state: 'done'; ms: number }
  | { type: 'progress'; name: string; fraction: number };

/** Runs every scoring phase in order; `signal` is checked between phases and inside long kernels. */
export async function runScoringTask(task: ScoringTask, emit: (e: ScoringEvent) => void, signal?: AbortSignal): Promise<ScoreSet> {
  await unpackProjectionText(task.projection);
  const precomputed = task.precomputed ?? {};
  // Stops the second thread's work however this one ends (finished, failed or aborted).
  const ended = new AbortController();
  const { phases, result, graph, ties } = scoringPhases(
    task.projection,
    task.params,
    task.previousMaxCommunityId,
    {
      signal: signal ? AbortSignal.any([signal, ended.signal]) : ended.signal,
      onProgress: (name, fraction) => emit({ type: 'progress', name, fraction }),
      offload: (task.threads ?? 1) >= 2 ? searchesInWorker : undefined,
    },
    precomputed,
  );
  try {
    for (const step of phases) {
      signal?.throwIfAborted();
      if (step.name in precomputed) {
        await step.run();
        continue;
      }
      emit({ type: 'phase', name: step.name, state: 'running' });
      const started = performance.now();
      await step.run();
      emit({ type: 'phase', name: step.name, state: 'done', ms: Math.round(performance.now() - started) });
    }
  } finally {
    ended.abort();
  }
  signal?.throwIfAborted();
  // Done here, in the worker (the read model's caches come from the influence phase), so that
  // adopting the run does not hold up the service's event loop; both graphs exist by now (the arcs
  // they came from are gone).
  result.network = networkCsrsOf(task.projection, graph(), ties());
  return result;
}
