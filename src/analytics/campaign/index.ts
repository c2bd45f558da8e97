/**
 * Campaign planning kernel: influence maximisation (which k customers together reach the most)
 * and spread simulation on a diffusion graph built from the attention arcs of the projection.
 *
 *   types.ts          the diffusion graph, options and results
 *   probabilities.ts  diffusionGraph(): attention arcs → diffusion arcs with activation probabilities
 *   worlds.ts         deterministic coins addressed by (seed, world, index)
 *   ris.ts            reverse-reachable sets: sampling (IC reverse BFS, LT reverse walk) and storage
 *   coverage.ts       greedy max coverage on RR sets (IMM's node selection)
 *   constraints.ts    k / budget, candidates, forced seeds, overexposure penalty
 *   imm.ts            IMM (Tang, Shi, Xiao 2015)
 *   celf.ts           CELF lazy greedy on Monte-Carlo estimates (Leskovec et al. 2007)
 *   simulate.ts       forward Monte-Carlo spread with a 95% band
 *   select-seeds.ts   selectSeeds() and SEED_SELECTION_DEFAULTS
 */

export type {
  DiffusionModel,
  DiffusionGraph,
  ProbabilityRule,
  SeedSelectionOptions,
  SeedSelectionResult,
  SpreadEstimate,
  SimulateSpreadOptions,
} from './types.js';
export { diffusionGraph, diffusionGraphFromArcs, INTERACTION_DEFAULTS } from './probabilities.js';
export { selectSeeds, SEED_SELECTION_DEFAULTS } from './select-seeds.js';
export { simulateSpread, SIMULATION_DEFAULTS } from './simulate.js';
export { IMM_DEFAULTS, immLambdas } from './imm.js';
export { CELF_DEFAULTS } from './celf.js';
