/**
 * Seed-selection constraints, validated once and shared by IMM and CELF: how many seeds (k) or
 * what budget, which nodes may be seeds, which are forced in first, and the per-node objective
 * coefficient 1 − λ·weight that the overexposure penalty gives each activated node.
 *
 * Budget rule used by both algorithms (Leskovec et al., KDD 2007, §3.1, after Khuller, Moss,
 * Naor 1999): run the greedy twice — "unit-cost" (largest gain among affordable nodes) and
 * "cost-effective" (largest gain / cost among affordable nodes) — and keep the better seed set. On
 * a monotone submodular objective this reaches at least ½(1 − 1/e) of the best set within budget;
 * the unit-cost run also contains the best single affordable node. Cost O(n + |forced|).
 */

import { InvalidArgumentError } from '../errors.js';
import type { SeedSelectionOptions } from './types.js';

export interface Constraints {
  n: number;
  /** Largest number of seeds (Infinity when only a budget limits them). */
  k: number;
  /** Budget (Infinity without one) and per-node cost (null without a budget). */
  budget: number;
  cost: Float64Array | null;
  candidates: Uint8Array | null;
  forced: number[];
  /** 1 − λ·weight[v] per node, or null without a penalty. */
  coefficient: Float64Array | null;
  penaltyWeight: Float64Array | null;
  lambda: number;
  /** True when some coefficient is negative: the objective is then not submodular. */
  negative: boolean;
}

export function resolveConstraints(n: number, o: SeedSelectionOptions): Constraints {
  const hasK = o.k !== undefined;
  const hasBudget = o.budget !== undefined;
  if (!hasK && !hasBudget) throw new InvalidArgumentError('give k or a budget (with cost)');
  const k = hasK ? (o.k as number) : Infinity;
  if (hasK && (!Number.isInteger(k) || k < 0)) throw new InvalidArgumentError(`k must be a non-negative integer, got ${o.k}`);
  let budget = Infinity;
  let cost: Float64Array | null = null;
  if (hasBudget) {
    budget = o.budget as number;
    if (!(budget >= 0) || budget === Infinity) throw new InvalidArgumentError(`budget must be a finite number >= 0, got ${o.budget}`);
    if (!o.cost) throw new InvalidArgumentError('a budget needs a cost per node');
    cost = o.cost;
    if (cost.length !== n) throw new InvalidArgumentError(`cost has length ${cost.length}, expected ${n}`);
    for (let v = 0; v < n; v++) {
      if (!(cost[v] >= 0) || cost[v] === Infinity) throw new InvalidArgumentError(`cost of node ${v} is ${cost[v]}; costs must be finite and >= 0`);
    }
  }
  const candidates = o.candidates ?? null;
  if (candidates && candidates.length !== n) throw new InvalidArgumentError(`candidates has length ${candidates.length}, expected ${n}`);
  const forced = o.forced ?? [];
  const seen = new Set<number>();
  let forcedCost = 0;
  for (const f of forced) {
    if (!Number.isInteger(f) || f < 0 || f >= n) throw new InvalidArgumentError(`forced seed ${f} is not a node index in 0..${n - 1}`);
    if (seen.has(f)) throw new InvalidArgumentError(`forced seed ${f} appears twice`);
    seen.add(f);
    if (cost) forcedCost += cost[f];
  }
  if (forced.length > k) throw new InvalidArgumentError(`${forced.length} forced seeds exceed k = ${k}`);
  if (forcedCost > budget) throw new InvalidArgumentError(`forced seeds cost ${forcedCost}, more than the budget ${budget}`);
  let coefficient: Float64Array | null = null;
  let penaltyWeight: Float64Array | null = null;
  let lambda = 0;
  let negative = false;
  if (o.penalty) {
    const { weight } = o.penalty;
    lambda = o.penalty.lambda;
    if (!(lambda >= 0) || lambda === Infinity) throw new InvalidArgumentError(`penalty lambda must be finite and >= 0, got ${lambda}`);
    if (weight.length !== n) throw new InvalidArgumentError(`penalty weight has length ${weight.length}, expected ${n}`);
    coefficient = new Float64Array(n);
    for (let v = 0; v < n; v++) {
      const w = weight[v];
      if (!(w >= 0) || w === Infinity) throw new InvalidArgumentError(`penalty weight of node ${v} is ${w}; must be finite and >= 0`);
      coefficient[v] = 1 - lambda * w;
      if (coefficient[v] < 0) negative = true;
    }
    penaltyWeight = weight;
  }
  return { n, k, budget, cost, candidates, forced, coefficient, penaltyWeight, lambda, negative };
}

/** May v be picked by the greedy (not forced, a candidate)? */
export function isEligible(c: Constraints, v: number): boolean {
  return c.candidates === null || c.candidates[v] === 1;
}

/**
 * Most seeds any feasible set can hold: min(k, forced + the cheapest eligible nodes that fit the
 * budget, forced + eligible count). Sizes IMM's union bound under a budget. O(n log n) with a budget.
 */
export function maxSeedCount(c: Constraints): number {
  const forcedSet = new Set(c.forced);
  const eligible: number[] = [];
  for (let v = 0; v < c.n; v++) if (!forcedSet.has(v) && isEligible(c, v)) eligible.push(v);
  let most = c.forced.length + eligible.length;
  if (c.cost) {
    const cost = c.cost;
    let left = c.budget;
    for (const f of c.forced) left -= cost[f];
    const costs = Float64Array.from(eligible, (v) => cost[v]).sort();
    let fit = 0;
    while (fit < costs.length && costs[fit] <= left) left -= costs[fit++];
    most = c.forced.length + fit;
  }
  return Math.min(most, c.k);
}
