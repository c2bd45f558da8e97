import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors.js';
import {
  classifyNps,
  computeStance,
  DEFAULT_STANCE_PARAMS,
  engagementSignal,
  npsSignal,
  type StanceEvidence,
  type StanceParams,
} from '../../../src/domain/stance.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);
const params = (over: Partial<StanceParams> = {}): StanceParams => ({ ...DEFAULT_STANCE_PARAMS, asOf: NOW, ...over });
const evidence = (over: Partial<StanceEvidence> = {}): StanceEvidence => ({ ratings: [], engagements: [], content: [], ...over });
const daysAgo = (d: number): number => NOW - d * DAY;

function expectValidationError(fn: () => unknown, paths: (string | number)[][]): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    const err = e as AppError;
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.status).toBe(400);
    expect(err.problems.map((p) => p.path)).toEqual(paths);
    return;
  }
  throw new Error('expected a validation error');
}

describe('NPS classes and signals', () => {
  it('classifies 0–6 detractor, 7–8 passive, 9–10 promoter', () => {
    expect([0, 3, 6].map(classifyNps)).toEqual(['detractor', 'detractor', 'detractor']);
    expect([7, 8].map(classifyNps)).toEqual(['passive', 'passive']);
    expect([9, 10].map(classifyNps)).toEqual(['promoter', 'promoter']);
    for (const bad of [-1, 11, 5.5, NaN]) expect(() => classifyNps(bad)).toThrow(AppError);
  });

  it('maps answers to signals: 10 → 1, 9 → 0.8, 7–8 → 0, 0..6 → −1..−0.3 linearly', () => {
    expect(npsSignal(10)).toBe(1);
    expect(npsSignal(9)).toBe(0.8);
    expect(npsSignal(8)).toBe(0);
    expect(npsSignal(7)).toBe(0);
    expect(npsSignal(6)).toBeCloseTo(-0.3, 12);
    expect(npsSignal(3)).toBeCloseTo(-0.65, 12);
    expect(npsSignal(0)).toBe(-1);
  });

  it('one fresh answer of each class gives that stance', () => {
    const promoter = computeStance(evidence({ ratings: [{ score: 10, at: NOW }] }), params());
    expect(promoter.stance).toBe('advocate');
    expect(promoter.score).toBe(1);
    expect(promoter.evidence).toEqual({
      latestNps: 10, latestNpsAt: NOW, npsClass: 'promoter', positive: 1, negative: 0, neutral: 0, weight: 2,
    });
    expect(promoter.confidence).toBeCloseTo(1 - Math.exp(-2 / 3), 12);

    const passive = computeStance(evidence({ ratings: [{ score: 8, at: daysAgo(1) }] }), params());
    expect(passive.stance).toBe('passive');
    expect(passive.score).toBe(0);
    expect(passive.evidence.npsClass).toBe('passive');
    expect(passive.evidence.neutral).toBe(1);

    const detractor = computeStance(evidence({ ratings: [{ score: 3, at: daysAgo(1) }] }), params());
    expect(detractor.stance).toBe('detractor');
    expect(detractor.score).toBeCloseTo(-0.65, 12);
    expect(detractor.evidence.npsClass).toBe('detractor');
  });
});

describe('recency', () => {
  it('an answer one half-life old counts half', () => {
    const s = computeStance(evidence({ ratings: [{ score: 9, at: daysAgo(180) }] }), params());
    expect(s.evidence.weight).toBeCloseTo(1, 12);
  });

  it('a recent detractor answer outweighs an old promoter one, and the other way round', () => {
    const turned = computeStance(
      evidence({ ratings: [{ score: 4, at: daysAgo(10) }, { score: 10, at: daysAgo(720) }] }),
      params(),
    );
    expect(turned.stance).toBe('detractor');
    expect(turned.evidence.latestNps).toBe(4);
    expect(turned.evidence.latestNpsAt).toBe(daysAgo(10));
    expect(turned.evidence.npsClass).toBe('detractor');
    expect(turned.evidence.positive).toBe(1);
    expect(turned.evidence.negative).toBe(1);

    const won = computeStance(
      evidence({ ratings: [{ score: 10, at: daysAgo(5) }, { score: 2, at: daysAgo(400) }] }),
      params(),
    );
    expect(won.stance).toBe('advocate');
    expect(won.evidence.npsClass).toBe('promoter');
  });

  it('ignores evidence dated after asOf', () => {
    const e = evidence({ ratings: [{ score: 10, at: daysAgo(30) }, { score: 0, at: NOW + DAY }] });
    const s = computeStance(e, params());
    expect(s.stance).toBe('advocate');
    expect(s.evidence.latestNps).toBe(10);
    expect(computeStance(e, params({ asOf: NOW + 2 * DAY })).evidence.latestNps).toBe(0);
  });

  it('of two answers on the same date, the last given is the latest', () => {
    const s = computeStance(evidence({ ratings: [{ score: 10, at: NOW }, { score: 5, at: NOW }] }), params());
    expect(s.evidence.latestNps).toBe(5);
  });
});

describe('superseded answers', () => {
  it('a later NPS answer outweighs an earlier one of nearly the same age', () => {
    const s = computeStance(evidence({ ratings: [{ score: 10, at: daysAgo(31) }, { score: 1, at: daysAgo(1) }] }), params());
    expect(s.evidence.latestNps).toBe(1);
    expect(s.stance).toBe('detractor');
    const noDiscount = computeStance(evidence({ ratings: [{ score: 10, at: daysAgo(31) }, { score: 1, at: daysAgo(1) }] }), params({ supersededFactor: 1 }));
    expect(noDiscount.stance).toBe('passive');
  });
});

describe('engagements and content', () => {
  it('engagement-only evidence: sentiment, or the kind prior when sentiment is 0', () => {
    expect(engagementSignal(0, 'complaint')).toBe(-0.6);
    expect(engagementSignal(0, 'Purchase')).toBe(0.3);
    expect(['review', 'share', 'like'].map((k) => engagementSignal(0, k))).toEqual([0.2, 0.2, 0.2]);
    expect(['click', 'comment', 'check-in'].map((k) => engagementSignal(0, k))).toEqual([0, 0, 0]);
    expect(engagementSignal(-0.4, 'like')).toBe(-0.4);

    const fan = computeStance(
      evidence({ engagements: [{ sentiment: 0.8, kind: 'review', at: NOW }, { sentiment: 0, kind: 'purchase', at: NOW }] }),
      params(),
    );
    expect(fan.stance).toBe('advocate');
    expect(fan.score).toBeCloseTo(0.55, 12);
    expect(fan.evidence.latestNps).toBeNull();
    expect(fan.evidence.npsClass).toBeNull();

    const likes = computeStance(
      evidence({ engagements: [0, 1, 2].map((d) => ({ sentiment: 0, kind: 'like', at: daysAgo(d) })) }),
      params(),
    );
    expect(likes.stance).toBe('passive');
    expect(likes.score).toBeCloseTo(0.2, 12);

    const angry = computeStance(
      evidence({ engagements: [{ sentiment: 0, kind: 'complaint', at: NOW }, { sentiment: 0, kind: 'click', at: NOW }] }),
      params(),
    );
    expect(angry.stance).toBe('detractor');
    expect(angry.score).toBeCloseTo(-0.3, 12);
    expect(angry.evidence).toMatchObject({ positive: 0, negative: 1, neutral: 1, weight: 2 });
  });

  it('content counts with its own weight', () => {
    const s = computeStance(
      evidence({ content: [{ sentiment: -0.9, at: NOW }], engagements: [{ sentiment: 0.6, kind: 'like', at: NOW }] }),
      params(),
    );
    expect(s.evidence.weight).toBeCloseTo(2.5, 12);
    expect(s.score).toBeCloseTo((1.5 * -0.9 + 0.6) / 2.5, 12);
    expect(s.stance).toBe('detractor');
  });
});

describe('unknown, confidence and thresholds', () => {
  it('no evidence: unknown, score 0, confidence 0', () => {
    const s = computeStance(evidence(), params());
    expect(s).toEqual({
      stance: 'unknown',
      score: 0,
      confidence: 0,
      evidence: { latestNps: null, latestNpsAt: null, npsClass: null, positive: 0, negative: 0, neutral: 0, weight: 0 },
    });
  });

  it('too little evidence is unknown but keeps its score', () => {
    const s = computeStance(evidence({ engagements: [{ sentiment: 0.9, kind: 'share', at: daysAgo(180) }] }), params({ minEvidence: 1 }));
    expect(s.evidence.weight).toBeCloseTo(0.5, 12);
    expect(s.stance).toBe('unknown');
    expect(s.score).toBeCloseTo(0.9, 12);
    expect(computeStance(evidence({ engagements: [{ sentiment: 0.9, kind: 'share', at: daysAgo(180) }] }), params({ minEvidence: 0.4 })).stance).toBe('advocate');
  });

  it('confidence grows with evidence: 1 − e^(−W/3)', () => {
    const e = evidence();
    let last = 0;
    for (let i = 0; i < 8; i++) {
      e.engagements.push({ sentiment: 0.5, kind: 'like', at: daysAgo(i * 10) });
      const s = computeStance(e, params());
      expect(s.confidence).toBeGreaterThan(last);
      expect(s.confidence).toBeCloseTo(1 - Math.exp(-s.evidence.weight / 3), 12);
      expect(s.confidence).toBeLessThan(1);
      last = s.confidence;
    }
  });

  it('thresholds decide between advocate, passive and detractor (inclusive)', () => {
    const post = (sentiment: number): StanceEvidence => evidence({ content: [{ sentiment, at: NOW }] });
    expect(computeStance(post(0.15), params()).stance).toBe('passive');
    expect(computeStance(post(0.2), params()).stance).toBe('advocate');
    expect(computeStance(post(0.25), params({ advocateThreshold: 0.3 })).stance).toBe('passive');
    expect(computeStance(post(0.5), params({ advocateThreshold: 0.5 })).stance).toBe('advocate');
    expect(computeStance(post(-0.5), params({ detractorThreshold: -0.5 })).stance).toBe('detractor');
    expect(computeStance(post(-0.15), params()).stance).toBe('passive');
    expect(computeStance(post(-0.2), params()).stance).toBe('detractor');
    expect(computeStance(post(-0.25), params({ detractorThreshold: -0.3 })).stance).toBe('passive');
  });
});

describe('validation', () => {
  it('default parameters', () => {
    expect(DEFAULT_STANCE_PARAMS).toEqual({
      halfLifeDays: 180, npsWeight: 2, engagementWeight: 1, contentWeight: 1.5,
      advocateThreshold: 0.2, detractorThreshold: -0.2, minEvidence: 0.1, supersededFactor: 0.25,
    });
  });

  it('rejects bad parameters, listing each problem', () => {
    expectValidationError(() => computeStance(evidence(), params({ halfLifeDays: 0, advocateThreshold: -0.5 })), [
      ['params', 'halfLifeDays'],
      ['params', 'detractorThreshold'],
    ]);
    expectValidationError(() => computeStance(evidence(), params({ npsWeight: -1, asOf: NaN })), [
      ['params', 'asOf'],
      ['params', 'npsWeight'],
    ]);
  });

  it('rejects bad evidence, listing each problem with its path', () => {
    const e = evidence({
      ratings: [{ score: 10, at: NOW }, { score: 11, at: NOW }],
      engagements: [{ sentiment: 2, kind: 'like', at: NOW }],
      content: [{ sentiment: 0, at: Number.NaN }],
    });
    expectValidationError(() => computeStance(e, params()), [
      ['ratings', 1, 'score'],
      ['engagements', 0, 'sentiment'],
      ['content', 0, 'at'],
    ]);
  });
});
