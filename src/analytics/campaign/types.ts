/**
 * Types shared by the campaign (influence-maximisation) kernel: the diffusion graph, the
 * diffusion models, the options and results of seed selection and of spread simulation.
 * No code here; see index.ts for the map of the folder.
 */

/** Independent cascade ('ic') or linear threshold ('lt'), Kempe, Kleinberg, Tardos (KDD 2003). */
export type DiffusionModel = 'ic' | 'lt';

/** Diffusion arcs: u → v means "u can activate v", probability/weight prob[arc]. CSR over 0..n-1. */
export interface DiffusionGraph {
  n: number;
  offsets: Int32Array;
  targets: Int32Array;
  prob: Float64Array;
  /** reverse (in-arcs) CSR, built once by diffusionGraph(): */
  inOffsets: Int32Array;
  inSources: Int32Array;
  inProb: Float64Array;
}

/** How an attention arc's interaction volume and tie flag become an activation probability. */
export type ProbabilityRule =
  | { kind: 'interactions'; halfSaturation?: number; tieFloor?: number; max?: number } // default
  | { kind: 'constant'; p: number }
  | { kind: 'weighted-cascade' }; // 1 / in-degree of the target

export interface SeedSelectionOptions {
  /** Number of seeds (forced seeds included). Required unless `budget` is given; caps the count when both are. */
  k?: number;
  /** Total cost allowed (forced seeds included), with `cost`, one entry per node (>= 0). */
  budget?: number;
  cost?: Float64Array;
  model?: DiffusionModel;
  algorithm?: 'imm' | 'celf';
  /** IMM: approximation slack ε in (0, 1) and confidence exponent ℓ > 0 (success 1 − n^−ℓ); PRNG seed. */
  epsilon?: number;
  ell?: number;
  seed?: number;
  /** 1 = may be a seed (detractors, opted-out, filters → 0). Default: every node. */
  candidates?: Uint8Array;
  /** Always seeds, first, in this order, counted in k/budget (they need not be candidates). */
  forced?: number[];
  /** Overexposure: objective = covered − λ·Σ weight of covered (weight per node, e.g. 1 for detractors). */
  penalty?: { weight: Float64Array; lambda: number };
  /** Monte-Carlo runs per estimate for CELF (default 1000). */
  celfSimulations?: number;
  /** IMM memory bound: stop drawing RR sets at this many sets (default 8,000,000). */
  maxSamples?: number;
  /** IMM memory bound: stop drawing RR sets at this many stored members in all (default 48,000,000 ≈ 400 MB with the index). */
  maxSampleMembers?: number;
  /** IMM: draw the final θ RR sets afresh instead of reusing the first phase's (Chen 2018's fix; up to 2× the sampling). Default false. */
  independentFinalSamples?: boolean;
  /** CELF memory bound: runs × n may not exceed this (default 200,000,000 bytes of per-run reach marks). */
  maxCelfCells?: number;
  /** Cancel promptly: the call throws the signal's reason (an AbortError unless given another). */
  signal?: AbortSignal;
  onProgress?: (p: { phase: string; samples: number; done: number; total: number }) => void;
}

export interface SeedSelectionResult {
  /** Seeds in the order picked (forced first). */
  seeds: number[];
  /** Gain of each seed in the objective (expected activations, net of the penalty when one is set). */
  marginalGains: number[];
  /** Expected number of activated nodes (seeds included) of the whole seed set, on the algorithm's own samples. */
  estimatedSpread: number;
  /** RR sets drawn (IMM) or Monte-Carlo runs per estimate (CELF). */
  samples: number;
  algorithm: 'imm' | 'celf';
  model: DiffusionModel;
  /** Objective of the seed set: estimatedSpread − λ·(expected penalised weight reached). */
  objective: number;
  /** Expected Σ weight of the activated nodes (0 without a penalty). */
  penalisedReach: number;
  /** IMM: true when the memory bound stopped sampling before the θ the guarantee needs. */
  capped: boolean;
  /** IMM: members stored over all RR sets of the final selection (memory ≈ 8 bytes each with the node index, + 8 per set). */
  sampleMembers?: number;
  /** IMM: the θ the martingale bound asked for (equals `samples` unless capped); CELF: runs. */
  targetSamples: number;
  /** Total cost of the seeds when a budget was given, else the seed count. */
  spent: number;
  /** With a budget: which greedy won, 'unit-cost' (by gain) or 'cost-effective' (by gain / cost). */
  budgetRule?: 'unit-cost' | 'cost-effective';
}

export interface SpreadEstimate {
  mean: number;
  low: number;
  high: number;
  stdev: number;
  runs: number;
  /** expected number of activated nodes per group id when `groups` given (e.g. community, stance) */
  byGroup?: Map<number, number>;
}

export interface SimulateSpreadOptions {
  model?: DiffusionModel;
  /** Independent forward runs (default 1000). */
  runs?: number;
  seed?: number;
  /** Group id per node; nodes with a negative id belong to no group. */
  groups?: Int32Array;
  signal?: AbortSignal;
}
