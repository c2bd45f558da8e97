/**
 * The per-item explanation of a stance (explain in customer-stance.service.ts) against
 * computeStance itself: on seeded random evidence, with answers on equal dates and items after
 * the as-of date, the contributions sum to computeStance's score and the weights to its W.
 */
import { describe, expect, it } from 'vitest';
import { explain, type EvidenceItemRow } from '../../../src/domain/customer-stance.service.js';
import { DEFAULT_STANCE_PARAMS } from '../../../src/domain/stance.js';

const DAY = 86_400_000;
const AS_OF = Date.parse('2026-06-01T00:00:00Z');

/** Park–Miller, enough for test data. */
function random(seed: number) {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

function evidence(seed: number): EvidenceItemRow[] {
  const r = random(seed);
  const rows: EvidenceItemRow[] = [];
  const n = 1 + Math.floor(r() * 12);
  for (let k = 0; k < n; k++) {
    // Whole days, some after the as-of date, so that dates repeat.
    const at = AS_OF - Math.floor(r() * 400 - 30) * DAY;
    const kind = (['rating', 'engagement', 'content'] as const)[Math.floor(r() * 3)];
    const sentiment = r() < 0.3 ? 0 : Math.round((r() * 2 - 1) * 100) / 100;
    if (kind === 'rating') rows.push({ kind, brand: 'b', id: `r${k}`, value: Math.floor(r() * 11), at });
    else if (kind === 'engagement') rows.push({ kind, brand: 'b', id: `e${k}`, value: sentiment, at, engagementKind: ['like', 'complaint', 'click', 'purchase'][Math.floor(r() * 4)] });
    else rows.push({ kind, brand: 'b', id: `p${k}`, value: sentiment, at });
  }
  return rows;
}

describe('stance contributions', () => {
  it('sum to the score computeStance gives, on 200 seeded evidence sets', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rows = evidence(seed);
      const e = explain(rows, { ...DEFAULT_STANCE_PARAMS, halfLifeDays: 30 + seed, asOf: AS_OF });
      expect(e.contributionSum).toBeCloseTo(e.stance.score, 12);
      expect(e.items.reduce((a, x) => a + x.weight, 0)).toBeCloseTo(e.stance.evidence.weight, 12);
      expect(e.items.length + e.later).toBe(rows.length);
      expect(e.items.every((x) => Date.parse(x.at) <= AS_OF)).toBe(true);
      expect(e.items.filter((x) => x.signal > 0)).toHaveLength(e.stance.evidence.positive);
    }
  });

  it('discounts earlier NPS answers, the same date included, and explains each item', () => {
    const at = AS_OF - 10 * DAY;
    const e = explain(
      [
        { kind: 'rating', brand: 'b', id: 'a', value: 10, at },
        { kind: 'rating', brand: 'b', id: 'b', value: 0, at },
        { kind: 'engagement', brand: 'b', id: 'l', value: 0, at, engagementKind: 'like' },
      ],
      { ...DEFAULT_STANCE_PARAMS, asOf: AS_OF },
    );
    const byId = Object.fromEntries(e.items.map((x) => [x.id, x]));
    // Of two answers on one date the later-listed (by id) is the latest: 'b' (0) counts whole, 'a' a quarter.
    expect(e.stance.evidence.latestNps).toBe(0);
    expect(byId.a.weight / byId.b.weight).toBeCloseTo(0.25, 12);
    expect(byId.a.explanation).toMatch(/0\.25\^1/);
    expect(byId.b.explanation).toMatch(/latest answer/);
    expect(byId.l).toMatchObject({ signal: 0.2 });
    expect(byId.l.explanation).toMatch(/prior of a like \+0\.2/);
  });

  it('is empty without evidence', () => {
    const e = explain([], { ...DEFAULT_STANCE_PARAMS, asOf: AS_OF });
    expect(e).toMatchObject({ items: [], contributionSum: 0, later: 0 });
    expect(e.stance.stance).toBe('unknown');
  });
});
