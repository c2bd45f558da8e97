import { describe, expect, it } from 'vitest';
import { ageSeconds, decayedCount } from '../../src/domain/projection.js';

/** An instant from an ISO date-time with milliseconds. */
const at = (iso: string) => {
  const ms = Date.parse(iso);
  return { seconds: Math.floor(ms / 1000), nano: (((ms % 1000) + 1000) % 1000) * 1e6 };
};

describe('interaction decay', () => {
  // Ages as Neo4j 5.26 gives duration.inSeconds(at, asOf).seconds for these pairs (checked against DurationValue.between).
  it.each([
    ['2026-01-01T00:00:10.700Z', '2026-01-01T00:00:12.300Z', 1],
    ['2026-01-01T00:00:12.300Z', '2026-01-01T00:00:10.700Z', -2],
    ['2026-01-01T00:00:12.700Z', '2026-01-01T00:00:10.300Z', -3],
    ['2026-01-01T00:00:10.300Z', '2026-01-01T00:00:12.700Z', 2],
    ['2026-01-01T00:00:10Z', '2026-01-01T00:00:12Z', 2],
    ['2026-01-01T00:00:12Z', '2026-01-01T00:00:10Z', -2],
  ])('ages %s as of %s by %i s, rounded down', (from, to, age) => {
    expect(ageSeconds(at(from), at(to))).toBe(age);
  });

  it('halves a count every half-life, and is NaN without a time', () => {
    expect(decayedCount(4, 2 * 86_400, 86_400)).toBe(1);
    expect(decayedCount(3, 0, 86_400)).toBe(3);
    expect(decayedCount(1, -86_400, 86_400)).toBe(2);
    expect(decayedCount(2, null, 86_400)).toBeNaN();
    expect(decayedCount(2, ageSeconds({ seconds: NaN, nano: 0 }, at('2026-01-01T00:00:00Z')), 86_400)).toBeNaN();
  });
});
