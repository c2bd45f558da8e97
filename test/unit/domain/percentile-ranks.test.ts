/**
 * percentileRanks gives every value its mid-rank percentile — ties share the middle of their run,
 * NaN ranks lowest — checked against the definition computed the plain way (a sort of the
 * indices, runs of equal values walked in order).
 */
import { describe, expect, it } from 'vitest';
import { percentileRanks } from '../../../src/domain/influence.js';
import { createRng } from '../../../src/analytics/random.js';

function byDefinition(values: number[]): number[] {
  const n = values.length;
  const key = (i: number) => (Number.isNaN(values[i]) ? -Infinity : values[i]);
  const order = values.map((_, i) => i).sort((a, b) => key(a) - key(b));
  const out = new Array<number>(n);
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && key(order[end + 1]) === key(order[start])) end++;
    for (let j = start; j <= end; j++) out[order[j]] = (100 * (start + (end - start + 1) / 2)) / n;
    start = end + 1;
  }
  return out;
}

describe('percentileRanks', () => {
  it('gives mid-rank percentiles, ties and NaN included', () => {
    expect([...percentileRanks([3, 1, 2])]).toEqual([(100 * 2.5) / 3, (100 * 0.5) / 3, (100 * 1.5) / 3]);
    // Two tied values share ranks 1 and 2 (mid 1): 100 · (0 + 2/2) / 3.
    expect([...percentileRanks([5, 5, 9])]).toEqual([100 / 3, 100 / 3, (100 * 2.5) / 3]);
    expect([...percentileRanks([NaN, -Infinity, 0, -0])]).toEqual([25, 25, 75, 75]);
    expect(percentileRanks([]).length).toBe(0);
  });

  it('equals the definition on random scores with many ties, bit for bit', () => {
    const rng = createRng(11);
    const random = () => rng.next();
    for (const n of [1, 2, 17, 1000, 20_000]) {
      const values = Array.from({ length: n }, () => {
        const r = random();
        return r < 0.3 ? 0 : r < 0.35 ? NaN : r < 0.5 ? Math.floor(random() * 5) : random() * 1e3 - 100;
      });
      expect([...percentileRanks(Float64Array.from(values))]).toEqual(byDefinition(values));
    }
  });
});
