/**
 * CELF: lazy greedy seed selection on Monte-Carlo estimates of the spread.
 *
 * The objective f(S) = mean over R fixed possible worlds (worlds.ts) of Σ coefficient(v) over the
 * nodes S activates (coefficient 1, or 1 − λ·weight with the overexposure penalty). Every
 * candidate is scored on the same R worlds (common random numbers), so with non-negative
 * coefficients f is exactly monotone and submodular, and lazy evaluation (Leskovec et al. 2007)
 * returns the very set the plain greedy would: a node's gain from an earlier round is an upper
 * bound on its gain now, so a node re-evaluated in the current round at the top of the heap is
 * the best. Gains are computed incrementally: per world the nodes already activated by the chosen
 * seeds are kept (R·n bytes) and a candidate's BFS stops at them. With a negative coefficient f
 * is not submodular and every round re-evaluates every remaining candidate (plain greedy).
 * Forced seeds, candidates, k and the budget rule are as in constraints.ts (two lazy runs under a
 * budget, unit-cost and cost-effective, keeping the better — Leskovec et al.'s CELF proper).
 *
 * Guarantee: (1 − 1/e) of the best k-set on the R sampled worlds (½(1 − 1/e) under a budget);
 * against the true expectation only up to Monte-Carlo error — for small graphs and as IMM's
 * quality check.
 *
 * Cost: first round n evaluations of R forward runs each; later rounds usually a few evaluations
 * (worst case n). Memory R·n bytes, bounded by `maxCelfCells` (InvalidArgumentError beyond it).
 *
 * Reference: J. Leskovec, A. Krause, C. Guestrin, C. Faloutsos, J. VanBriesen, N. Glance,
 * "Cost-effective Outbreak Detection in Networks", KDD 2007; greedy: Kempe et al., KDD 2003.
 */

import { InvalidArgumentError } from '../errors.js';
import { isEligible, type Constraints } from './constraints.js';
import { ForwardSimulator } from './simulate.js';
import type { DiffusionGraph, DiffusionModel, SeedSelectionOptions, SeedSelectionResult } from './types.js';
import { STREAM, worldKey } from './worlds.js';

export const CELF_DEFAULTS = { simulations: 1000, seed: 42, maxCells: 200_000_000 } as const;

export interface CelfParams {
  model: DiffusionModel;
  simulations: number;
  seed: number;
  maxCells: number;
  signal?: AbortSignal;
  onProgress?: SeedSelectionOptions['onProgress'];
}

/** Max-heap of (key, node), ties to the lower node index. */
class MaxHeap {
  private keys: number[] = [];
  private nodes: number[] = [];
  get size(): number {
    return this.nodes.length;
  }
  private above(i: number, j: number): boolean {
    return this.keys[i] > this.keys[j] || (this.keys[i] === this.keys[j] && this.nodes[i] < this.nodes[j]);
  }
  private swap(i: number, j: number): void {
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
    [this.nodes[i], this.nodes[j]] = [this.nodes[j], this.nodes[i]];
  }
  push(key: number, node: number): void {
    this.keys.push(key);
    this.nodes.push(node);
    let i = this.nodes.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  topNode(): number {
    return this.nodes[0];
  }
  pop(): number {
    const top = this.nodes[0];
    const lastK = this.keys.pop() as number;
    const lastN = this.nodes.pop() as number;
    if (this.nodes.length > 0) {
      this.keys[0] = lastK;
      this.nodes[0] = lastN;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.nodes.length && this.above(l, m)) m = l;
        if (r < this.nodes.length && this.above(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

/** Per-world activated sets of the current seed set, and marginal gains against them. */
class WorldState {
  readonly reached: Uint8Array;
  private readonly sim: ForwardSimulator;
  private readonly keys: Uint32Array;
  private readonly one = [0];

  constructor(
    private readonly g: DiffusionGraph,
    model: DiffusionModel,
    readonly runs: number,
    seed: number,
    private readonly coefficient: Float64Array | null,
    private readonly signal?: AbortSignal,
  ) {
    this.reached = new Uint8Array(runs * g.n);
    this.sim = new ForwardSimulator(g, model);
    this.keys = new Uint32Array(runs);
    for (let r = 0; r < runs; r++) this.keys[r] = worldKey(seed, r, STREAM.celf);
  }

  /** Mean gain in the objective of adding v (and commit it when `commit`). */
  gain(v: number, commit = false): number {
    this.signal?.throwIfAborted();
    const n = this.g.n;
    const coef = this.coefficient;
    this.one[0] = v;
    let sum = 0;
    for (let r = 0; r < this.runs; r++) {
      const off = r * n;
      if (this.reached[off + v]) continue;
      const cnt = this.sim.run(this.keys[r], this.one, this.reached, off);
      const q = this.sim.queue;
      if (coef) for (let i = 0; i < cnt; i++) sum += coef[q[i]];
      else sum += cnt;
      if (commit) for (let i = 0; i < cnt; i++) this.reached[off + q[i]] = 1;
    }
    return sum / this.runs;
  }

  reset(): void {
    this.reached.fill(0);
  }
}

interface Run {
  seeds: number[];
  gains: number[];
  value: number;
  spent: number;
}

export function celf(g: DiffusionGraph, c: Constraints, p: CelfParams): SeedSelectionResult {
  const n = g.n;
  const R = p.simulations;
  if (R * n > p.maxCells) {
    throw new InvalidArgumentError(`CELF needs ${R} runs × ${n} nodes = ${R * n} cells, above the bound ${p.maxCells}; use IMM or fewer simulations`);
  }
  const ws = new WorldState(g, p.model, R, p.seed, c.coefficient, p.signal);
  const eligible: number[] = [];
  const forcedSet = new Set(c.forced);
  for (let v = 0; v < n; v++) if (!forcedSet.has(v) && isEligible(c, v)) eligible.push(v);
  const target = Number.isFinite(c.k) ? Math.min(c.k, c.forced.length + eligible.length) : c.forced.length + eligible.length;

  // First-round gains (after the forced seeds), shared by both budget runs.
  const commitForced = (): { gains: number[]; value: number; spent: number } => {
    const gains: number[] = [];
    let value = 0;
    let spent = 0;
    for (const f of c.forced) {
      const x = ws.gain(f, true);
      gains.push(x);
      value += x;
      if (c.cost) spent += c.cost[f];
    }
    return { gains, value, spent };
  };
  const base = commitForced();
  const initial = new Float64Array(n);
  let evaluated = 0;
  for (const v of eligible) {
    initial[v] = ws.gain(v);
    if ((++evaluated & 255) === 0) p.onProgress?.({ phase: 'celf-initial', samples: R, done: evaluated, total: eligible.length });
  }

  const runGreedy = (rule: 'unit-cost' | 'cost-effective', fresh: boolean): Run => {
    if (fresh) {
      ws.reset();
      commitForced();
    }
    const seeds = [...c.forced];
    const gains = [...base.gains];
    let value = base.value;
    let spent = base.spent;
    const cost = c.cost;
    const keyOf = (v: number, gain: number): number => (rule === 'cost-effective' && cost ? gain / Math.max(cost[v], 1e-12) : gain);
    const heap = new MaxHeap();
    const round = new Int32Array(n).fill(-1);
    const gainNow = new Float64Array(n);
    for (const v of eligible) {
      heap.push(keyOf(v, initial[v]), v);
      gainNow[v] = initial[v];
      round[v] = seeds.length;
    }
    while (seeds.length < target && heap.size > 0) {
      let pick = -1;
      if (c.negative) {
        // Not submodular: re-evaluate every remaining affordable candidate.
        const rest: number[] = [];
        while (heap.size > 0) rest.push(heap.pop());
        let bestKey = -Infinity;
        for (const v of rest) {
          if (cost && cost[v] > c.budget - spent) continue;
          gainNow[v] = ws.gain(v);
          const key = keyOf(v, gainNow[v]);
          if (key > bestKey || (key === bestKey && v < pick)) {
            bestKey = key;
            pick = v;
          }
        }
        for (const v of rest) if (v !== pick && !(cost && cost[v] > c.budget - spent)) heap.push(keyOf(v, gainNow[v]), v);
      } else {
        while (heap.size > 0) {
          const v = heap.topNode();
          if (cost && cost[v] > c.budget - spent) {
            heap.pop(); // the budget left only shrinks
            continue;
          }
          if (round[v] === seeds.length) {
            pick = heap.pop();
            break;
          }
          heap.pop();
          gainNow[v] = ws.gain(v);
          round[v] = seeds.length;
          heap.push(keyOf(v, gainNow[v]), v);
        }
      }
      if (pick < 0) break;
      const gv = gainNow[pick];
      if (cost ? gv <= 0 : gv < 0) break;
      ws.gain(pick, true);
      seeds.push(pick);
      gains.push(gv);
      value += gv;
      if (cost) spent += cost[pick];
      p.onProgress?.({ phase: 'celf', samples: R, done: seeds.length, total: Number.isFinite(target) ? target : seeds.length });
    }
    return { seeds, gains, value, spent };
  };

  let best = runGreedy('unit-cost', false);
  let rule: 'unit-cost' | 'cost-effective' | undefined;
  if (c.cost) {
    rule = 'unit-cost';
    const ce = runGreedy('cost-effective', true);
    if (ce.value > best.value) {
      best = ce;
      rule = 'cost-effective';
    }
    // Leave the world state on the winning set for the figures below.
    ws.reset();
    for (const s of best.seeds) ws.gain(s, true);
  }
  let reachedCount = 0;
  let penalised = 0;
  const pw = c.penaltyWeight;
  for (let r = 0; r < R; r++) {
    const off = r * n;
    for (let v = 0; v < n; v++) {
      if (ws.reached[off + v]) {
        reachedCount++;
        if (pw) penalised += pw[v];
      }
    }
  }
  const spread = reachedCount / R;
  const penalisedReach = penalised / R;
  return {
    seeds: best.seeds,
    marginalGains: best.gains,
    estimatedSpread: spread,
    samples: R,
    algorithm: 'celf',
    model: p.model,
    objective: spread - c.lambda * penalisedReach,
    penalisedReach,
    capped: false,
    targetSamples: R,
    spent: c.cost ? best.spent : best.seeds.length,
    ...(rule ? { budgetRule: rule } : {}),
  };
}
