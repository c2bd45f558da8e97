/**
 * Turns a plan's parameters and the last completed run into the seed-selection task: who may be
 * a seed (never opted-out or erased customers, never detractors of the brand unless asked, only
 * those matching the restrictions, not the excluded ones, and with a cost when a budget is set),
 * the forced seeds, the overexposure weights (1 on the brand's detractors), the reach groups
 * (community × stance) and the naive list it is compared with (the top super users by influence
 * among the same candidates).
 * Cost O(n + m).
 */
import { DEFAULT_INFLUENCE_WEIGHTS, INFLUENCE_COMPONENTS } from '../influence.js';
import { DEFAULT_PROJECTION } from '../projection.js';
import type { NetworkGraph } from '../network-graph.js';
import type { ScoreSnapshot } from '../score-snapshot.js';
import { STANCE_CLASSES } from '../scoring.js';
import { validationError, type Problem } from '../errors.js';
import { DEFAULT_PLAN_K, type CampaignPlanParams } from './plan-params.js';
import { diffusionArcs, snapshotIndexOf } from './diffusion-input.js';
import type { PlanTask } from './seed-task.js';

export const DETRACTOR = STANCE_CLASSES.indexOf('detractor');

/** Group id of (community, stance class): (community + 1) · 4 + class, so −1 (none) stays non-negative. */
export const groupOf = (community: number, stance: number) => (community + 1) * STANCE_CLASSES.length + stance;
export const groupCommunity = (g: number) => Math.floor(g / STANCE_CLASSES.length) - 1;
export const groupStance = (g: number) => g % STANCE_CLASSES.length;

export interface PlanContext {
  graph: NetworkGraph;
  snapshot: ScoreSnapshot;
  /** Snapshot index of each graph node (−1: not listed). */
  sIndex: Int32Array;
  /** Brand index in the snapshot's stance arrays, undefined when the run has no stance. */
  brand: number | undefined;
  brandId: string | undefined;
  cost?: Float64Array;
  /** Candidates left out for lack of a cost. */
  withoutCost: number;
  candidates: number;
}

/** Stance class index of graph node v toward the plan's brand (0 = unknown). */
export function stanceClass(ctx: Pick<PlanContext, 'snapshot' | 'sIndex' | 'brand'>, v: number): number {
  const si = ctx.sIndex[v];
  const st = ctx.snapshot.data.stance;
  if (si < 0 || ctx.brand === undefined || !st) return 0;
  return Math.max(0, st.classes[si * st.brands.length + ctx.brand]);
}

export function planTask(
  params: CampaignPlanParams,
  graph: NetworkGraph,
  snapshot: ScoreSnapshot,
  costs: Map<string, number> | undefined,
): { task: PlanTask; ctx: PlanContext } {
  const s = snapshot;
  const d = s.data;
  const n = graph.ids.length;
  const c = params.constraints;
  const problems: Problem[] = [];
  let brand: number | undefined;
  let brandId: string | undefined;
  if (d.stance && d.stance.brands.length > 0) {
    brand = s.brandIndex(params.brand);
    if (brand === undefined) problems.push({ path: ['body', 'brand'], message: `no stance toward brand '${params.brand}' in run ${s.runId}` });
    else brandId = d.stance.brands[brand];
  } else if (params.brand !== undefined) {
    problems.push({ path: ['body', 'brand'], message: `run ${s.runId} computed no stance; run analytics with the stance phase` });
  }
  const sIndex = snapshotIndexOf(graph, s);
  const listable = (v: number) => sIndex[v] >= 0 && d.optedOut[sIndex[v]] === 0;
  const excluded = new Set(c.exclude);
  const forced: number[] = [];
  c.include.forEach((id, j) => {
    const v = graph.index.get(id);
    if (v === undefined || !listable(v)) problems.push({ path: ['body', 'constraints', 'include', j], message: `'${id}' is not a customer who can be a seed` });
    else if (excluded.has(id)) problems.push({ path: ['body', 'constraints', 'include', j], message: `'${id}' is also excluded` });
    else if (!forced.includes(v)) forced.push(v);
  });
  if (problems.length > 0) throw validationError('The plan cannot be made as asked', problems);

  let cost: Float64Array | undefined;
  let withoutCost = 0;
  if (params.budget !== undefined) {
    cost = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    for (let v = 0; v < n; v++) {
      const x = costs?.get(graph.ids[v]);
      if (x !== undefined && Number.isFinite(x) && x > 0) cost[v] = x;
    }
  }
  const ctx: PlanContext = { graph, snapshot: s, sIndex, brand, brandId, cost, withoutCost: 0, candidates: 0 };
  const community = s.field('community');
  const candidates = new Uint8Array(n);
  let count = 0;
  for (let v = 0; v < n; v++) {
    if (!listable(v)) continue;
    const i = sIndex[v];
    if (excluded.has(graph.ids[v])) continue;
    if (c.excludeDetractors && stanceClass(ctx, v) === DETRACTOR) continue;
    if (c.community !== undefined && (!community || community[i] !== c.community)) continue;
    if (c.segment !== undefined && d.segment[i] !== c.segment) continue;
    if (c.region !== undefined && d.region[i] !== c.region) continue;
    if (c.topic !== undefined && !d.topics[i].includes(c.topic)) continue;
    if (cost && !Number.isFinite(cost[v])) {
      withoutCost++;
      continue;
    }
    candidates[v] = 1;
    count++;
  }
  ctx.withoutCost = withoutCost;
  ctx.candidates = count;
  if (cost) for (const v of forced) if (!Number.isFinite(cost[v])) throw validationError('The plan cannot be made as asked', [{ path: ['body', 'constraints', 'include'], message: `'${graph.ids[v]}' has no ${params.costAttribute}` }]);
  if (count === 0 && forced.length === 0) {
    throw validationError('No customer can be a seed under these constraints', [{ path: ['body', 'constraints'], message: 'no candidate left' }]);
  }

  let penalty: PlanTask['select']['penalty'];
  if (c.overexposure > 0 && brand !== undefined) {
    const weight = new Float64Array(n);
    for (let v = 0; v < n; v++) if (stanceClass(ctx, v) === DETRACTOR) weight[v] = 1;
    penalty = { weight, lambda: c.overexposure };
  }
  const groups = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    const i = sIndex[v];
    const com = i >= 0 && community ? community[i] : -1;
    groups[v] = groupOf(Number.isFinite(com) ? com : -1, stanceClass(ctx, v));
  }

  const k = params.budget === undefined ? (params.k ?? DEFAULT_PLAN_K) : undefined;
  const interactionWeight = d.run.params.projection?.interactionWeight ?? DEFAULT_PROJECTION.interactionWeight;
  const task: PlanTask = {
    kind: 'plan',
    arcs: diffusionArcs(graph, interactionWeight),
    rule: params.probability,
    model: params.model,
    runs: params.simulations,
    seed: params.seed,
    groups,
    select: {
      k,
      budget: params.budget,
      cost: cost ? Float64Array.from(cost, (x) => (Number.isFinite(x) ? x : 0)) : undefined,
      algorithm: params.algorithm,
      epsilon: params.epsilon,
      ell: params.ell,
      candidates,
      forced,
      penalty,
    },
    naive: naiveList(graph, s, candidates, forced, k, params.budget, cost),
  };
  return { task, ctx };
}

/**
 * The naive list under the same constraints: the forced seeds, then the top super users by the
 * default influence blend among the same candidates — the first k, or as many as the budget
 * affords in ranking order.
 */
export function naiveList(
  graph: NetworkGraph,
  s: ScoreSnapshot,
  candidates: Uint8Array,
  forced: number[],
  k: number | undefined,
  budget: number | undefined,
  cost: Float64Array | undefined,
): number[] {
  const order = s.order(`influence:${INFLUENCE_COMPONENTS.map((c) => DEFAULT_INFLUENCE_WEIGHTS[c]).join(',')}`, s.influence(DEFAULT_INFLUENCE_WEIGHTS));
  const out: number[] = [...forced];
  let left = (budget ?? 0) - forced.reduce((a, v) => a + (cost?.[v] ?? 0), 0);
  if (k !== undefined && out.length >= k) return out.slice(0, k);
  for (let r = 0; r < order.length; r++) {
    const v = graph.index.get(s.data.ids[order[r]]);
    if (v === undefined || !candidates[v] || forced.includes(v)) continue;
    if (budget !== undefined) {
      const x = cost?.[v] ?? Number.POSITIVE_INFINITY;
      if (!Number.isFinite(x) || x > left) continue;
      left -= x;
      out.push(v);
      if (out.length >= 1000) break;
    } else {
      out.push(v);
      if (out.length >= k!) break;
    }
  }
  return out;
}
