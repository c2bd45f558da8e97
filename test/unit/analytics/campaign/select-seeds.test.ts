import { describe, expect, it } from 'vitest';
import { selectSeeds, simulateSpread, type SeedSelectionOptions } from '../../../../src/analytics/campaign/index.js';
import { InvalidArgumentError } from '../../../../src/analytics/errors.js';
import { chain, graph, randomGraph, stars, twoCliques } from './fixtures.js';

const both = [
  ['imm', 'ic'],
  ['imm', 'lt'],
  ['celf', 'ic'],
  ['celf', 'lt'],
] as const;

describe('selectSeeds on graphs with known best seeds', () => {
  it.each(both)('%s/%s: disjoint stars → one seed per star centre', (algorithm, model) => {
    const { g, centres } = stars(4, 8, 0.4);
    const r = selectSeeds(g, { k: 4, algorithm, model, celfSimulations: 300 });
    expect([...r.seeds].sort((a, b) => a - b)).toEqual(centres);
    expect(r.algorithm).toBe(algorithm);
    expect(r.model).toBe(model);
    expect(r.estimatedSpread).toBeGreaterThan(4 * (1 + 8 * 0.4) * 0.9);
    expect(r.estimatedSpread).toBeLessThan(4 * (1 + 8 * 0.4) * 1.1);
    expect(r.marginalGains).toHaveLength(4);
  });

  it.each(both)('%s/%s: a chain → its head', (algorithm, model) => {
    const r = selectSeeds(chain(8, 0.9), { k: 1, algorithm, model, celfSimulations: 300 });
    expect(r.seeds).toEqual([0]);
  });

  it.each(both)('%s/%s: two cliques joined by a bridge → one seed per clique', (algorithm, model) => {
    const g = twoCliques(8, model === 'lt' ? 1 / 8 : 0.15, 0.02);
    const r = selectSeeds(g, { k: 2, algorithm, model, celfSimulations: 300 });
    expect(r.seeds.filter((s) => s < 8)).toHaveLength(1);
    expect(r.seeds.filter((s) => s >= 8)).toHaveLength(1);
  });

  it('the gains decrease and add up to the spread', () => {
    const { g } = stars(3, 6, 0.5);
    const r = selectSeeds(g, { k: 3 });
    const total = r.marginalGains.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(r.estimatedSpread, 9);
    expect(r.objective).toBeCloseTo(r.estimatedSpread, 9);
    for (let i = 1; i < 3; i++) expect(r.marginalGains[i]).toBeLessThanOrEqual(r.marginalGains[i - 1] + 1e-9);
  });
});

describe('selectSeeds constraints', () => {
  const { g, centres } = stars(4, 8, 0.4);
  const n = g.n;

  it.each(['imm', 'celf'] as const)('%s: a node with candidates = 0 is never chosen', (algorithm) => {
    const candidates = new Uint8Array(n).fill(1);
    candidates[centres[0]] = 0;
    candidates[centres[2]] = 0;
    const r = selectSeeds(g, { k: 4, candidates, algorithm, celfSimulations: 200 });
    expect(r.seeds).not.toContain(centres[0]);
    expect(r.seeds).not.toContain(centres[2]);
    expect(r.seeds).toContain(centres[1]);
    expect(r.seeds).toContain(centres[3]);
  });

  it.each(['imm', 'celf'] as const)('%s: forced seeds come first, in order, counted in k, even if not candidates', (algorithm) => {
    const candidates = new Uint8Array(n).fill(1);
    candidates[5] = 0;
    const r = selectSeeds(g, { k: 3, forced: [5, centres[3]], candidates, algorithm, celfSimulations: 200 });
    expect(r.seeds.slice(0, 2)).toEqual([5, centres[3]]);
    expect(r.seeds).toHaveLength(3);
    expect(centres.slice(0, 3)).toContain(r.seeds[2]);
    expect(Math.abs(r.marginalGains[0] - 1)).toBeLessThan(0.1); // a leaf reaches only itself
  });

  it.each(['imm', 'celf'] as const)('%s: the penalty lowers a seed that reaches mostly penalised nodes', (algorithm) => {
    // Star A (centre 0, 10 leaves, all penalised) beats star B (centre 11, 6 leaves) on raw spread.
    const arcs: [number, number, number][] = [];
    for (let i = 1; i <= 10; i++) arcs.push([0, i, 0.9]);
    for (let i = 12; i <= 17; i++) arcs.push([11, i, 0.9]);
    const h = graph(18, arcs);
    const weight = new Float64Array(18);
    for (let i = 1; i <= 10; i++) weight[i] = 1;
    const plain = selectSeeds(h, { k: 1, algorithm, celfSimulations: 300 });
    expect(plain.seeds).toEqual([0]);
    expect(plain.penalisedReach).toBe(0);
    const penalised = selectSeeds(h, { k: 2, algorithm, celfSimulations: 300, penalty: { weight, lambda: 1 } });
    expect(penalised.seeds[0]).toBe(11);
    expect(penalised.penalisedReach).toBeGreaterThan(0);
    expect(penalised.objective).toBeCloseTo(penalised.estimatedSpread - penalised.penalisedReach, 9);
    // With λ = 2 every penalised leaf costs more than it brings: the centre of A is not worth adding.
    const harsh = selectSeeds(h, { k: 2, algorithm, celfSimulations: 300, penalty: { weight, lambda: 2 } });
    expect(harsh.seeds[0]).toBe(11);
    expect(harsh.seeds).not.toContain(0);
    for (const x of harsh.marginalGains) expect(x).toBeGreaterThanOrEqual(0);
  });

  it.each(['imm', 'celf'] as const)('%s: the budget is respected', (algorithm) => {
    const cost = new Float64Array(n).fill(1);
    cost[centres[0]] = 5;
    cost[centres[1]] = 5;
    const r = selectSeeds(g, { budget: 7, cost, algorithm, celfSimulations: 200 });
    const spent = r.seeds.reduce((s, v) => s + cost[v], 0);
    expect(spent).toBeLessThanOrEqual(7);
    expect(r.spent).toBe(spent);
    expect(r.budgetRule).toMatch(/unit-cost|cost-effective/);
    // Centres 2 and 3 cost 1 each and are the best buys.
    expect(r.seeds).toContain(centres[2]);
    expect(r.seeds).toContain(centres[3]);
    // k caps the count even when the budget would allow more.
    const capped = selectSeeds(g, { budget: 100, cost, k: 2, algorithm, celfSimulations: 200 });
    expect(capped.seeds).toHaveLength(2);
  });

  it.each(['imm', 'celf'] as const)('%s: k larger than the candidates gives every candidate', (algorithm) => {
    const candidates = new Uint8Array(n);
    candidates[centres[1]] = 1;
    candidates[3] = 1;
    const r = selectSeeds(g, { k: 10, candidates, algorithm, celfSimulations: 100 });
    expect([...r.seeds].sort((a, b) => a - b)).toEqual([3, centres[1]].sort((a, b) => a - b));
    expect(r.seeds[0]).toBe(centres[1]);
  });

  it('rejects bad options', () => {
    const bad: SeedSelectionOptions[] = [
      {},
      { k: -1 },
      { k: 1.5 },
      { k: 2, epsilon: 0 },
      { k: 2, epsilon: 1 },
      { k: 2, ell: 0 },
      { budget: 3 },
      { budget: 3, cost: new Float64Array(2) },
      { k: 2, candidates: new Uint8Array(3) },
      { k: 1, forced: [0, 9] },
      { k: 3, forced: [0, 0] },
      { k: 3, forced: [n] },
      { k: 2, penalty: { weight: new Float64Array(n), lambda: -1 } },
      { k: 2, celfSimulations: 0 },
      { k: 2, model: 'sir' as never },
      { k: 2, algorithm: 'greedy' as never },
      { k: 2, algorithm: 'celf', celfSimulations: 1000, maxCelfCells: 100 },
    ];
    for (const o of bad) expect(() => selectSeeds(g, o), JSON.stringify(o)).toThrow(InvalidArgumentError);
  });

  it('an empty graph gives an empty selection', () => {
    const r = selectSeeds(graph(0, []), { k: 3 });
    expect(r.seeds).toEqual([]);
    expect(r.estimatedSpread).toBe(0);
  });
});

describe('selectSeeds: determinism, memory bound, cancel', () => {
  const g = randomGraph(300, 4, 0.02, 0.2, 11);

  it.each(['imm', 'celf'] as const)('%s is deterministic for a seed', (algorithm) => {
    const o: SeedSelectionOptions = { k: 5, algorithm, seed: 9, celfSimulations: 200, model: 'ic' };
    const a = selectSeeds(g, o);
    const b = selectSeeds(g, o);
    expect(b.seeds).toEqual(a.seeds);
    expect(b.samples).toBe(a.samples);
    expect(b.marginalGains).toEqual(a.marginalGains);
    if (algorithm === 'imm') expect(selectSeeds(g, { ...o, seed: 10 }).marginalGains).not.toEqual(a.marginalGains);
  });

  it('IMM stops at the sample cap and says so', () => {
    const r = selectSeeds(g, { k: 5, maxSamples: 1000 });
    expect(r.capped).toBe(true);
    expect(r.samples).toBeLessThanOrEqual(1000);
    expect(r.targetSamples).toBeGreaterThan(1000);
    expect(r.seeds).toHaveLength(5);
    const full = selectSeeds(g, { k: 5 });
    expect(full.capped).toBe(false);
    expect(full.samples).toBe(full.targetSamples);
  });

  it('IMM with independent final samples draws fresh sets for the selection', () => {
    const { g: h, centres } = stars(4, 8, 0.4);
    const r = selectSeeds(h, { k: 4, independentFinalSamples: true });
    expect([...r.seeds].sort((a, b) => a - b)).toEqual(centres);
    expect(r.samples).toBeGreaterThan(r.targetSamples);
    expect(r.capped).toBe(false);
  });

  it.each(['imm', 'celf'] as const)('%s stops promptly when aborted', (algorithm) => {
    const ac = new AbortController();
    ac.abort();
    expect(() => selectSeeds(g, { k: 5, algorithm, signal: ac.signal })).toThrow(/abort/i);
    const late = new AbortController();
    let after = 0;
    const run = () =>
      selectSeeds(g, {
        k: 5,
        algorithm,
        celfSimulations: 200,
        signal: late.signal,
        onProgress: () => {
          if (late.signal.aborted) after++;
          late.abort();
        },
      });
    expect(run).toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(after).toBe(0);
  });

  it('reports progress with the samples drawn', () => {
    const phases = new Set<string>();
    let last = 0;
    const r = selectSeeds(g, { k: 5, onProgress: (p) => { phases.add(p.phase); last = Math.max(last, p.samples); } });
    expect(phases).toContain('sampling');
    expect(phases).toContain('selecting');
    expect(last).toBe(r.samples);
  });
});

describe('IMM against CELF', () => {
  it.each(['ic', 'lt'] as const)('%s: IMM’s seeds reach at least 95 percent of CELF’s (same 5000 forward runs)', (model) => {
    const g = randomGraph(400, 3, 0.05, 0.25, 5);
    const k = 8;
    const a = selectSeeds(g, { k, model, seed: 1 });
    const b = selectSeeds(g, { k, model, algorithm: 'celf', celfSimulations: 300, seed: 1 });
    const score = (seeds: number[]) => simulateSpread(g, seeds, { model, runs: 5000, seed: 777 }).mean;
    expect(score(a.seeds)).toBeGreaterThanOrEqual(0.95 * score(b.seeds));
  });
});
