/**
 * IMM: influence maximisation by reverse influence sampling with a martingale stopping rule.
 *
 * Sampling (Tang, Shi, Xiao 2015, Algorithms 2 and 3): with ε' = √2·ε and ℓ' = ℓ·(1 + ln 2 / ln n)
 * (so that both phases together succeed with probability 1 − n^−ℓ),
 *   λ' = (2 + 2ε'/3) · (ln C(n,k) + ℓ'·ln n + ln log₂ n) · n / ε'²
 *   for i = 1 .. log₂ n − 1:  x = n / 2^i;  draw RR sets up to θᵢ = λ' / x;  run the greedy;
 *     if n · F(Sᵢ) ≥ (1 + ε')·x then LB = n · F(Sᵢ) / (1 + ε') and stop   (else LB = 1)
 *   λ* = 2n · ((1 − 1/e)·α + β)² / ε²,  α = √(ℓ' ln n + ln 2),  β = √((1 − 1/e)(ln C(n,k) + ℓ' ln n + ln 2))
 *   θ = λ* / LB, and draw RR sets up to θ (the sets of the first phase are kept, as in the paper).
 * W. Chen ("An issue in the martingale analysis of the influence maximization algorithm IMM",
 * 2018) showed that reusing the first phase's sets breaks the independence the final bound
 * assumes; `independentFinalSamples: true` applies his fix — θ fresh sets from worlds the first
 * phase did not use — at the price of drawing up to twice as many sets. Off by default, as in
 * the paper and its reference code.
 * Then the greedy on all θ sets (coverage.ts) returns a (1 − 1/e − ε)-approximation of the best
 * k-set with probability ≥ 1 − n^−ℓ. Under a budget, k in the bound is the largest number of seeds
 * the budget can buy (constraints.ts), and the greedy is the budget rule there: ½(1 − 1/e) on the
 * samples. θ is sized for the spread; with the overexposure penalty the greedy maximises the
 * penalised objective on the same samples and the guarantee applies to the spread part only.
 * Candidates and forced seeds restrict the greedy; the guarantee is then relative to the best
 * set that contains the forced seeds and otherwise only candidates.
 *
 * Memory bound: sampling stops at `maxSamples` sets or `maxSampleMembers` stored members, whichever
 * comes first; the result then says `capped: true` with the θ the bound asked for — the seeds are
 * still the greedy's on the samples drawn, without the guarantee.
 *
 * Cost: O(θ · EPT) to sample (EPT: arcs examined per RR set), O(k·n + Σ|R|) per greedy, about
 * 8 bytes per RR-set member plus 8 per set. Deterministic for a seed (RR set j depends on j only).
 *
 * Reference: Y. Tang, Y. Shi, X. Xiao, "Influence Maximization in Near-Linear Time: A Martingale
 * Approach", SIGMOD 2015; RR sets: C. Borgs et al., SODA 2014. Why our own: no JavaScript graph
 * library implements influence maximisation.
 */

import { maxSeedCount, type Constraints } from './constraints.js';
import { selectOnSets } from './coverage.js';
import { buildNodeIndex, RrSampler, RrSets } from './ris.js';
import type { DiffusionGraph, DiffusionModel, SeedSelectionOptions, SeedSelectionResult } from './types.js';

export const IMM_DEFAULTS = {
  epsilon: 0.1,
  ell: 1,
  seed: 42,
  maxSamples: 8_000_000,
  maxSampleMembers: 48_000_000,
  /** RR sets drawn between two abort checks / progress reports. */
  batch: 4096,
} as const;

/** ln C(n, k) by summing logs. O(k). */
export function lnChoose(n: number, k: number): number {
  const kk = Math.min(k, n - k);
  let s = 0;
  for (let i = 0; i < kk; i++) s += Math.log(n - i) - Math.log(i + 1);
  return s;
}

/** IMM's λ' and λ* for n nodes and k seeds. */
export function immLambdas(n: number, k: number, epsilon: number, ell: number): { lambdaPrime: number; lambdaStar: number; ellPrime: number } {
  const nn = Math.max(n, 2);
  const lnN = Math.log(nn);
  const ellPrime = ell * (1 + Math.log(2) / lnN);
  const epsPrime = Math.SQRT2 * epsilon;
  const logC = lnChoose(nn, Math.max(1, Math.min(k, nn)));
  const log2n = Math.log2(nn);
  const lambdaPrime = ((2 + (2 / 3) * epsPrime) * (logC + ellPrime * lnN + Math.log(Math.max(log2n, 1))) * nn) / (epsPrime * epsPrime);
  const e1 = 1 - 1 / Math.E;
  const alpha = Math.sqrt(ellPrime * lnN + Math.log(2));
  const beta = Math.sqrt(e1 * (logC + ellPrime * lnN + Math.log(2)));
  const lambdaStar = (2 * nn * (e1 * alpha + beta) ** 2) / (epsilon * epsilon);
  return { lambdaPrime, lambdaStar, ellPrime };
}

export interface ImmParams {
  model: DiffusionModel;
  epsilon: number;
  ell: number;
  seed: number;
  maxSamples: number;
  maxSampleMembers: number;
  independentFinalSamples: boolean;
  signal?: AbortSignal;
  onProgress?: SeedSelectionOptions['onProgress'];
}

export function imm(g: DiffusionGraph, c: Constraints, p: ImmParams): SeedSelectionResult {
  const n = g.n;
  let rr = new RrSets();
  let worldBase = 0; // world number of RR set 0 of `rr`
  const sampler = new RrSampler(g, p.model, p.seed);
  const kBound = Math.max(1, maxSeedCount(c));
  const { lambdaPrime, lambdaStar } = immLambdas(n, kBound, p.epsilon, p.ell);
  const epsPrime = Math.SQRT2 * p.epsilon;
  let capped = false;
  let phase = 'estimating';
  let total = 0;

  const drawUntil = (target: number): void => {
    const goal = Math.min(target, p.maxSamples);
    total = target;
    while (rr.count < goal) {
      p.signal?.throwIfAborted();
      const to = Math.min(goal, rr.count + IMM_DEFAULTS.batch);
      sampler.draw(rr, worldBase + rr.count, worldBase + to);
      p.onProgress?.({ phase, samples: worldBase + rr.count, done: rr.count, total: target });
      if (rr.size >= p.maxSampleMembers) break;
    }
    if (rr.count < target) capped = true;
    p.signal?.throwIfAborted();
  };

  // Phase 1: a lower bound on OPT by halving guesses x = n/2, n/4, …
  let lb = 1;
  const rounds = Math.ceil(Math.log2(Math.max(n, 2))) - 1;
  for (let i = 1; i <= rounds && !capped; i++) {
    const x = n / 2 ** i;
    drawUntil(Math.ceil(lambdaPrime / x));
    const index = buildNodeIndex(n, rr);
    const sel = selectOnSets(rr, index, c, false);
    const est = (n * sel.covered) / rr.count;
    if (est >= (1 + epsPrime) * x) {
      lb = est / (1 + epsPrime);
      break;
    }
  }
  // Phase 2: θ = λ* / LB sets in all.
  phase = 'sampling';
  const theta = Math.ceil(lambdaStar / lb);
  if (!capped && p.independentFinalSamples) {
    worldBase = rr.count;
    rr = new RrSets();
  }
  if (!capped) drawUntil(theta);
  const drawn = worldBase + rr.count;
  phase = 'selecting';
  p.onProgress?.({ phase, samples: drawn, done: 0, total: 1 });
  const index = buildNodeIndex(n, rr);
  p.signal?.throwIfAborted();
  const sel = selectOnSets(rr, index, c, true);
  p.onProgress?.({ phase, samples: drawn, done: 1, total: 1 });
  const scale = rr.count > 0 ? n / rr.count : 0;
  const spread = sel.covered * scale;
  const penalisedReach = sel.penalised * scale;
  return {
    seeds: sel.seeds,
    marginalGains: sel.gains.map((x) => x * scale),
    estimatedSpread: spread,
    samples: drawn,
    sampleMembers: rr.size,
    algorithm: 'imm',
    model: p.model,
    objective: spread - c.lambda * penalisedReach,
    penalisedReach,
    capped,
    targetSamples: Math.max(theta, total),
    spent: c.cost ? sel.spent : sel.seeds.length,
    ...(sel.rule ? { budgetRule: sel.rule } : {}),
  };
}
