import { describe, expect, it } from 'vitest';
import { createRng, InvalidArgumentError, randomPermutation, sampleWithoutReplacement } from '../../../src/analytics/index.js';

describe('seeded PRNG', () => {
  it('same seed → same stream; different seeds → different streams', () => {
    const a = createRng(123);
    const b = createRng(123);
    const c = createRng(124);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('is roughly uniform', () => {
    const r = createRng(1);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[r.nextInt(10)]++;
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  it('permutations and samples are valid and deterministic', () => {
    const p = randomPermutation(100, createRng(7));
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(randomPermutation(100, createRng(7)))).toEqual(Array.from(p));
    const s = sampleWithoutReplacement(1000, 50, createRng(3));
    expect(new Set(s).size).toBe(50);
    expect(Array.from(s)).toEqual(Array.from(s).sort((x, y) => x - y));
    expect(() => sampleWithoutReplacement(5, 6, createRng(1))).toThrow(InvalidArgumentError);
    expect(() => createRng(NaN)).toThrow(InvalidArgumentError);
  });
});
