import { describe, expect, it } from 'vitest';
import { simulateSpread } from '../../../../src/analytics/campaign/index.js';
import { InvalidArgumentError } from '../../../../src/analytics/errors.js';
import { chain, graph, stars } from './fixtures.js';

describe('simulateSpread', () => {
  it('with p = 1 equals reachability, with no spread', () => {
    // 0 → 1 → 2, 0 → 3; 4 → 5; 6 alone
    const g = graph(7, [[0, 1, 1], [1, 2, 1], [0, 3, 1], [4, 5, 1]]);
    for (const model of ['ic', 'lt'] as const) {
      expect(simulateSpread(g, [0], { model, runs: 50 })).toMatchObject({ mean: 4, stdev: 0, low: 4, high: 4, runs: 50 });
      expect(simulateSpread(g, [0, 4, 6], { model, runs: 10 }).mean).toBe(7);
      expect(simulateSpread(g, [2], { model, runs: 10 }).mean).toBe(1);
    }
  });

  it('a star’s expected spread 1 + leaves·p lies in the 95% band', () => {
    const { g } = stars(1, 20, 0.3);
    const est = simulateSpread(g, [0], { runs: 20000, seed: 7 });
    expect(est.low).toBeLessThan(7);
    expect(est.high).toBeGreaterThan(7);
    expect(est.high - est.mean).toBeCloseTo((1.96 * est.stdev) / Math.sqrt(20000), 12);
  });

  it('a chain under LT with in-weight 0.5 per hop: expected spread Σ 0.5^i', () => {
    const est = simulateSpread(chain(6, 0.5), [0], { model: 'lt', runs: 20000, seed: 3 });
    const exact = 1 + 0.5 + 0.25 + 0.125 + 0.0625 + 0.03125;
    expect(Math.abs(est.mean - exact)).toBeLessThan(4 * (est.stdev / Math.sqrt(20000)) + 1e-9);
  });

  it('counts activations per group; groups sum to the mean', () => {
    const { g } = stars(2, 5, 1);
    const groups = Int32Array.from({ length: 12 }, (_, v) => (v < 6 ? 0 : v === 11 ? -1 : 1));
    const est = simulateSpread(g, [0, 6], { runs: 5, groups });
    expect(est.byGroup).toEqual(new Map([[0, 6], [1, 5]]));
    expect(est.mean).toBe(12);
  });

  it('is deterministic for a seed', () => {
    const { g } = stars(3, 10, 0.4);
    const a = simulateSpread(g, [0, 11], { runs: 300, seed: 5 });
    expect(simulateSpread(g, [0, 11], { runs: 300, seed: 5 })).toEqual(a);
    expect(simulateSpread(g, [0, 11], { runs: 300, seed: 6 }).mean).not.toBe(a.mean);
  });

  it('rejects bad seeds and options, and stops when aborted', () => {
    const { g } = stars(1, 3, 0.5);
    expect(() => simulateSpread(g, [9], {})).toThrow(InvalidArgumentError);
    expect(() => simulateSpread(g, [0], { runs: 0 })).toThrow(InvalidArgumentError);
    const ac = new AbortController();
    ac.abort();
    expect(() => simulateSpread(g, [0], { signal: ac.signal })).toThrow(/abort/i);
  });
});
