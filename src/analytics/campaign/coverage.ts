/**
 * Greedy node selection on reverse-reachable sets (IMM's NodeSelection): weighted maximum
 * coverage under the constraints of constraints.ts.
 *
 * Each RR set s has a value: 1, or with the overexposure penalty 1 − λ·weight(root of s) — the
 * RR-set form of "covered − λ·Σ weight of covered", since n·E[value of the sets S covers] equals
 * E[activated] − λ·E[Σ weight of activated]. The gain of a node is the total value of the
 * uncovered sets that contain it. Forced seeds are taken first, in order; then the greedy picks
 * the eligible node of largest gain (or gain / cost, the cost-effective run of the budget rule),
 * lowest index on ties, among those still affordable, until k seeds, nothing affordable, or — with a
 * budget, or when the penalty makes every gain negative — nothing left worth adding (gain ≤ 0,
 * resp. < 0). With every value 1 this is the (1 − 1/e) greedy for max coverage (Nemhauser, Wolsey,
 * Fisher 1978); a gain only falls as sets are covered unless some values are negative, and the
 * full scan per pick keeps the greedy exact in either case.
 *
 * Cost: O(size) to set up the gains, then per pick O(n) for the scan plus the members of the sets
 * it newly covers (each set is covered once): O(k·n + size) in all. O(n + count) extra memory.
 */

import { isEligible, type Constraints } from './constraints.js';
import type { RrSets } from './ris.js';

export interface NodeIndex {
  offsets: Int32Array;
  sets: Int32Array;
}

export interface CoverageSelection {
  seeds: number[];
  /** Gain of each seed in set-value units (multiply by n / count for expected activations). */
  gains: number[];
  /** Sets covered, and Σ penalty weight of their roots. */
  covered: number;
  penalised: number;
  /** Σ value of the covered sets. */
  value: number;
  spent: number;
}

export type GreedyRule = 'unit-cost' | 'cost-effective';

/** Value of each RR set (null = every set is worth 1). */
export function setValues(rr: RrSets, c: Constraints): Float64Array | null {
  if (!c.coefficient) return null;
  const v = new Float64Array(rr.count);
  for (let s = 0; s < rr.count; s++) v[s] = c.coefficient[rr.roots[s]];
  return v;
}

export function greedyCoverage(
  rr: RrSets,
  index: NodeIndex,
  c: Constraints,
  values: Float64Array | null,
  rule: GreedyRule,
  usePenalty = true,
): CoverageSelection {
  const n = c.n;
  const vals = usePenalty ? values : null;
  const gain = new Float64Array(n);
  const { offsets, sets } = index;
  for (let v = 0; v < n; v++) {
    if (vals) {
      let s = 0;
      for (let i = offsets[v]; i < offsets[v + 1]; i++) s += vals[sets[i]];
      gain[v] = s;
    } else {
      gain[v] = offsets[v + 1] - offsets[v];
    }
  }
  const covered = new Uint8Array(rr.count);
  const chosen = new Uint8Array(n);
  const seeds: number[] = [];
  const gains: number[] = [];
  let coveredCount = 0;
  let value = 0;
  let spent = 0;
  const take = (v: number): void => {
    seeds.push(v);
    gains.push(gain[v]);
    value += gain[v];
    chosen[v] = 1;
    if (c.cost) spent += c.cost[v];
    for (let i = offsets[v]; i < offsets[v + 1]; i++) {
      const s = sets[i];
      if (covered[s]) continue;
      covered[s] = 1;
      coveredCount++;
      const sv = vals ? vals[s] : 1;
      for (let j = rr.offsets[s], e = rr.offsets[s + 1]; j < e; j++) gain[rr.members[j]] -= sv;
    }
  };
  for (const f of c.forced) take(f);
  const cost = c.cost;
  const budgeted = cost !== null;
  while (seeds.length < c.k) {
    const left = c.budget - spent;
    let best = -1;
    let bestKey = -Infinity;
    for (let v = 0; v < n; v++) {
      if (chosen[v] || !isEligible(c, v)) continue;
      let key = gain[v];
      if (budgeted) {
        const cv = cost[v];
        if (cv > left) continue;
        if (rule === 'cost-effective') key = key / Math.max(cv, 1e-12);
      }
      if (key > bestKey) {
        bestKey = key;
        best = v;
      }
    }
    if (best < 0) break;
    if (budgeted ? gain[best] <= 0 : gain[best] < 0) break;
    take(best);
  }
  let penalised = 0;
  if (c.penaltyWeight) {
    for (let s = 0; s < rr.count; s++) if (covered[s]) penalised += c.penaltyWeight[rr.roots[s]];
  }
  return { seeds, gains, covered: coveredCount, penalised, value, spent };
}

/** The greedy under the constraints: one run for k, the better of two runs under a budget. */
export function selectOnSets(
  rr: RrSets,
  index: NodeIndex,
  c: Constraints,
  usePenalty = true,
): CoverageSelection & { rule?: GreedyRule } {
  const values = usePenalty ? setValues(rr, c) : null;
  const uc = greedyCoverage(rr, index, c, values, 'unit-cost', usePenalty);
  if (!c.cost) return uc;
  const ce = greedyCoverage(rr, index, c, values, 'cost-effective', usePenalty);
  return ce.value > uc.value ? { ...ce, rule: 'cost-effective' } : { ...uc, rule: 'unit-cost' };
}
