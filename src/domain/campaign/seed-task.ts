/**
 * The computations a campaign plan or an influencer list hands to a worker thread, as plain data
 * (typed arrays are transferred, not copied): seed selection followed by forward simulations of
 * the plan and of the naive list, or the spread of a given set of seeds. `runSeedTask` is the
 * work itself, run by the worker (seed-worker.ts) or in the calling thread.
 */
import { diffusionGraph, selectSeeds, simulateSpread, type DiffusionModel, type ProbabilityRule, type SeedSelectionResult } from '../../analytics/campaign/index.js';
import type { DiffusionArcs } from './diffusion-input.js';

export interface SpreadFigures {
  mean: number;
  low: number;
  high: number;
  stdev: number;
  runs: number;
  /** Expected activations per group id (see `groups`). */
  byGroup?: [number, number][];
}

interface TaskBase {
  arcs: DiffusionArcs;
  rule: ProbabilityRule;
  model: DiffusionModel;
  /** Forward simulations per reported spread, and their seed. */
  runs: number;
  seed: number;
  /** Group id of every node for the reach breakdowns (non-negative). */
  groups?: Int32Array;
}

export interface PlanTask extends TaskBase {
  kind: 'plan';
  select: {
    k?: number;
    budget?: number;
    cost?: Float64Array;
    algorithm: 'imm' | 'celf';
    epsilon?: number;
    ell?: number;
    candidates: Uint8Array;
    forced: number[];
    penalty?: { weight: Float64Array; lambda: number };
  };
  /** The list the plan is compared with (top-k by influence). */
  naive: number[];
}

export interface SpreadTask extends TaskBase {
  kind: 'spread';
  seeds: number[];
}

export type SeedTask = PlanTask | SpreadTask;

export interface PlanTaskResult {
  selection: SeedSelectionResult;
  plan: SpreadFigures;
  naive: SpreadFigures;
}

export type SeedTaskResult = PlanTaskResult | SpreadFigures;

export interface SeedTaskProgress {
  phase: string;
  samples: number;
  done: number;
  total: number;
}

function spread(
  g: ReturnType<typeof diffusionGraph>,
  seeds: number[],
  task: TaskBase,
  signal: AbortSignal | undefined,
): SpreadFigures {
  const e = simulateSpread(g, seeds, { model: task.model, runs: task.runs, seed: task.seed, groups: task.groups, signal });
  return { mean: e.mean, low: e.low, high: e.high, stdev: e.stdev, runs: e.runs, byGroup: e.byGroup ? [...e.byGroup] : undefined };
}

export function runSeedTask(task: SeedTask, onProgress: (p: SeedTaskProgress) => void = () => undefined, signal?: AbortSignal): SeedTaskResult {
  const { arcs } = task;
  onProgress({ phase: 'graph', samples: 0, done: 0, total: 1 });
  const g = diffusionGraph(arcs.n, arcs.src, arcs.dst, arcs.volume, arcs.isTie, task.rule);
  if (task.kind === 'spread') {
    onProgress({ phase: 'simulation', samples: 0, done: 0, total: 1 });
    return spread(g, task.seeds, task, signal);
  }
  const s = task.select;
  const selection = selectSeeds(g, {
    ...(s.budget !== undefined ? { budget: s.budget, cost: s.cost } : { k: s.k }),
    model: task.model,
    algorithm: s.algorithm,
    epsilon: s.epsilon,
    ell: s.ell,
    seed: task.seed,
    candidates: s.candidates,
    forced: s.forced,
    penalty: s.penalty,
    signal,
    onProgress: (p: SeedTaskProgress) => onProgress({ phase: p.phase, samples: p.samples, done: p.done, total: p.total }),
  });
  onProgress({ phase: 'simulation', samples: selection.samples, done: 0, total: 2 });
  const plan = spread(g, selection.seeds, task, signal);
  onProgress({ phase: 'simulation', samples: selection.samples, done: 1, total: 2 });
  const naive = spread(g, task.naive, task, signal);
  onProgress({ phase: 'simulation', samples: selection.samples, done: 2, total: 2 });
  return { selection, plan, naive };
}
