/**
 * selectSeeds: the entry point of seed selection — resolves the options against
 * SEED_SELECTION_DEFAULTS, validates the constraints once, and runs IMM (default) or CELF.
 * Both return seeds in pick order (forced first) with each one's marginal gain in expected
 * activations (net of the overexposure penalty when one is set). Cost: that of the algorithm run
 * (imm.ts, celf.ts). An empty graph gives an empty selection.
 */

import { InvalidArgumentError } from '../errors.js';
import { celf, CELF_DEFAULTS } from './celf.js';
import { resolveConstraints } from './constraints.js';
import { imm, IMM_DEFAULTS } from './imm.js';
import type { DiffusionGraph, SeedSelectionOptions, SeedSelectionResult } from './types.js';

export const SEED_SELECTION_DEFAULTS: Required<Pick<SeedSelectionOptions, 'model' | 'algorithm' | 'epsilon' | 'ell' | 'seed' | 'celfSimulations'>> = {
  model: 'ic',
  algorithm: 'imm',
  epsilon: IMM_DEFAULTS.epsilon,
  ell: IMM_DEFAULTS.ell,
  seed: IMM_DEFAULTS.seed,
  celfSimulations: CELF_DEFAULTS.simulations,
};

export function selectSeeds(g: DiffusionGraph, options: SeedSelectionOptions): SeedSelectionResult {
  const o = { ...SEED_SELECTION_DEFAULTS, ...stripUndefined(options) };
  if (o.model !== 'ic' && o.model !== 'lt') throw new InvalidArgumentError(`model must be 'ic' or 'lt', got ${String(o.model)}`);
  if (o.algorithm !== 'imm' && o.algorithm !== 'celf') throw new InvalidArgumentError(`algorithm must be 'imm' or 'celf', got ${String(o.algorithm)}`);
  if (!(o.epsilon > 0 && o.epsilon < 1)) throw new InvalidArgumentError(`epsilon must be in (0, 1), got ${o.epsilon}`);
  if (!(o.ell > 0) || o.ell === Infinity) throw new InvalidArgumentError(`ell must be > 0, got ${o.ell}`);
  if (!Number.isFinite(o.seed)) throw new InvalidArgumentError(`seed must be a finite number, got ${o.seed}`);
  if (!Number.isInteger(o.celfSimulations) || o.celfSimulations < 1) {
    throw new InvalidArgumentError(`celfSimulations must be a positive integer, got ${o.celfSimulations}`);
  }
  const maxSamples = o.maxSamples ?? IMM_DEFAULTS.maxSamples;
  const maxSampleMembers = o.maxSampleMembers ?? IMM_DEFAULTS.maxSampleMembers;
  if (!(maxSamples >= 1) || !(maxSampleMembers >= 1)) throw new InvalidArgumentError('maxSamples and maxSampleMembers must be >= 1');
  const c = resolveConstraints(g.n, options);
  o.signal?.throwIfAborted();
  if (g.n === 0) {
    return {
      seeds: [], marginalGains: [], estimatedSpread: 0, samples: 0, algorithm: o.algorithm, model: o.model,
      objective: 0, penalisedReach: 0, capped: false, targetSamples: 0, spent: 0,
    };
  }
  if (o.algorithm === 'celf') {
    return celf(g, c, {
      model: o.model,
      simulations: o.celfSimulations,
      seed: o.seed,
      maxCells: o.maxCelfCells ?? CELF_DEFAULTS.maxCells,
      signal: o.signal,
      onProgress: o.onProgress,
    });
  }
  return imm(g, c, {
    model: o.model,
    epsilon: o.epsilon,
    ell: o.ell,
    seed: o.seed,
    maxSamples,
    maxSampleMembers,
    independentFinalSamples: o.independentFinalSamples ?? false,
    signal: o.signal,
    onProgress: o.onProgress,
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
