/**
 * Stance of one customer toward one brand — advocate, passive, detractor or unknown — from the
 * evidence the graph holds about them: NPS answers, engagements and posts about the brand.
 * Pure: evidence and parameters in, a stance with its score, confidence and a summary of the
 * evidence out; no I/O, no clock (the caller passes `asOf`).
 *
 * Definition. Every piece of evidence i dated at or before asOf gives a signal s_i ∈ [−1, 1] and
 * a weight w_i = typeWeight · 2^(−age_i / halfLifeDays), age_i = (asOf − at_i) in days:
 * - an NPS answer (typeWeight = npsWeight, default 2): 10 → +1, 9 → +0.8 (promoters); 7–8 → 0
 *   (passives); 0–6 → −1 + 0.7 · score / 6, the line from 0 → −1 to 6 → −0.3 (detractors);
 * - an engagement (engagementWeight, 1): its sentiment; when the sentiment is exactly 0 (none
 *   recorded) the kind's prior instead — complaint −0.6, purchase +0.3, review / share / like
 *   +0.2, anything else (click, comment, check-in, …) 0. Kinds are compared case-insensitively;
 * - a post about the brand (contentWeight, 1.5): its sentiment.
 * The decay makes the latest NPS answer count most: an answer one half-life older counts half as
 * much, so a customer who moved from promoter to detractor is read as a detractor.
 *     W = Σ w_i                    total evidence weight
 *     score = Σ w_i·s_i / W        ∈ [−1, 1]  (0 when W = 0)
 *     confidence = 1 − e^(−W/3)    ∈ [0, 1): a fresh NPS answer and a fresh engagement (W = 3)
 *                                  give 0.63, twice that evidence 0.86
 * stance = 'unknown' when W < minEvidence (default 0.1: a tenth of a fresh engagement's worth);
 * otherwise 'advocate' when score ≥ advocateThreshold (0.2), 'detractor' when score ≤
 * detractorThreshold (−0.2), 'passive' in between. The defaults were chosen on generated customer
 * bases with planted stances (see test/integration/stance.test.ts): ±0.2 separates planted
 * advocates and detractors from passives best; a higher minEvidence mostly turns old, sparse but
 * correct evidence into 'unknown'. Every NPS answer is also multiplied by supersededFactor
 * (0.25) for each later answer the same customer gave, so the latest answer counts most.
 * Evidence dated after asOf is ignored: it did not exist at asOf, which makes a stance computed
 * for a past date reproducible (pass the current time to include everything recorded so far).
 * `evidence` summarises what was counted: the latest NPS answer (the last given among equal
 * dates) and its class, how many pieces had a positive, negative or zero signal, and W.
 *
 * Cost: O(number of pieces of evidence). Invalid parameters or evidence (an NPS answer outside
 * 0..10, a sentiment outside [−1, 1], a non-finite date) throw a VALIDATION_FAILED AppError that
 * lists every problem with its path.
 *
 * Reference: F. F. Reichheld, "The one number you need to grow", Harvard Business Review, 2003
 * (NPS classes); exponential forgetting with a half-life is the usual recency weighting of
 * time-decayed scores. Why our own: this is the product's definition of stance, not a library
 * algorithm.
 */

import { validationError, type Problem } from './errors.js';

export interface StanceEvidence {
  /** NPS answers, integers 0..10. `at` in epoch milliseconds. */
  ratings: { score: number; at: number }[];
  /** Sentiment in [−1, 1] (0 = none recorded); kinds like, review, share, check-in, complaint, purchase, click, comment. */
  engagements: { sentiment: number; kind: string; at: number }[];
  /** Posts about the brand, sentiment in [−1, 1]. */
  content: { sentiment: number; at: number }[];
}

export interface StanceParams {
  /** Age in days at which a piece of evidence counts half (default 180). */
  halfLifeDays: number;
  /** The moment the stance is computed for, epoch milliseconds. */
  asOf: number;
  /** Weight of a fresh NPS answer (default 2). */
  npsWeight: number;
  /** Weight of a fresh engagement (default 1). */
  engagementWeight: number;
  /** Weight of a fresh post about the brand (default 1.5). */
  contentWeight: number;
  /** score ≥ this → advocate (default 0.2). */
  advocateThreshold: number;
  /** score ≤ this → detractor (default −0.2). */
  detractorThreshold: number;
  /** Below this total weight the stance is 'unknown' (default 0.1). */
  minEvidence: number;
  /** Factor applied to an NPS answer for each later answer of the same customer (default 0.25). */
  supersededFactor: number;
}

export type StanceLabel = 'advocate' | 'passive' | 'detractor' | 'unknown';
export type NpsClass = 'promoter' | 'passive' | 'detractor';

export interface Stance {
  stance: StanceLabel;
  /** Weighted mean signal, in [−1, 1]. */
  score: number;
  /** 1 − e^(−W/3), in [0, 1). */
  confidence: number;
  evidence: {
    latestNps: number | null;
    latestNpsAt: number | null;
    npsClass: NpsClass | null;
    /** Pieces of evidence counted with a positive, negative or zero signal. */
    positive: number;
    negative: number;
    neutral: number;
    /** Total weight W. */
    weight: number;
  };
}

export const DEFAULT_STANCE_PARAMS: Readonly<Omit<StanceParams, 'asOf'>> = Object.freeze({
  halfLifeDays: 180,
  npsWeight: 2,
  engagementWeight: 1,
  contentWeight: 1.5,
  advocateThreshold: 0.2,
  detractorThreshold: -0.2,
  minEvidence: 0.1,
  supersededFactor: 0.25,
});

const DAY_MS = 86_400_000;

/** Scale of the confidence curve: W = 3 gives 1 − 1/e. */
const CONFIDENCE_SCALE = 3;

/** Signal of an engagement whose sentiment is 0 (none recorded), by kind. */
const KIND_PRIORS: Readonly<Record<string, number>> = Object.freeze({
  complaint: -0.6,
  purchase: 0.3,
  review: 0.2,
  share: 0.2,
  like: 0.2,
});

function isNpsScore(score: number): boolean {
  return Number.isInteger(score) && score >= 0 && score <= 10;
}

/** NPS class of an answer 0..10: 9–10 promoter, 7–8 passive, 0–6 detractor. */
export function classifyNps(score: number): NpsClass {
  if (!isNpsScore(score)) {
    throw validationError('an NPS answer is an integer 0..10', [{ path: ['score'], message: `got ${score}` }]);
  }
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

/** Signal of an NPS answer: 10 → 1, 9 → 0.8, 7–8 → 0, 0–6 → −1 + 0.7·score/6. */
export function npsSignal(score: number): number {
  const c = classifyNps(score);
  if (c === 'promoter') return score === 10 ? 1 : 0.8;
  if (c === 'passive') return 0;
  return -1 + (0.7 * score) / 6;
}

/** Signal of an engagement: its sentiment, or the kind's prior when the sentiment is 0. */
export function engagementSignal(sentiment: number, kind: string): number {
  if (sentiment !== 0) return sentiment;
  return KIND_PRIORS[kind.toLowerCase()] ?? 0;
}

export function computeStance(e: StanceEvidence, p: StanceParams): Stance {
  checkParams(p);
  checkEvidence(e);
  const decay = (at: number): number => Math.pow(2, -(p.asOf - at) / DAY_MS / p.halfLifeDays);

  let weight = 0;
  let weighted = 0;
  let positive = 0;
  let negative = 0;
  let neutral = 0;
  const count = (w: number, s: number): void => {
    weight += w;
    weighted += w * s;
    if (s > 0) positive++;
    else if (s < 0) negative++;
    else neutral++;
  };

  // The latest NPS answer counts most: each answer is also discounted by supersededFactor for
  // every later answer the customer gave (an answer replaces the one before it).
  let latest: { score: number; at: number } | null = null;
  // Newest first; of answers on the same date the one given last is the newer.
  const answers = e.ratings
    .map((r, given) => ({ r, given }))
    .filter(({ r }) => r.at <= p.asOf)
    .sort((a, b) => b.r.at - a.r.at || b.given - a.given)
    .map(({ r }) => r);
  answers.forEach((r, newer) => {
    count(p.npsWeight * decay(r.at) * Math.pow(p.supersededFactor, newer), npsSignal(r.score));
  });
  if (answers.length > 0) latest = answers[0];
  for (const g of e.engagements) {
    if (g.at > p.asOf) continue;
    count(p.engagementWeight * decay(g.at), engagementSignal(g.sentiment, g.kind));
  }
  for (const c of e.content) {
    if (c.at > p.asOf) continue;
    count(p.contentWeight * decay(c.at), c.sentiment);
  }

  // Clamp against rounding: a weighted mean of signals in [−1, 1] stays in [−1, 1].
  const score = weight > 0 ? Math.max(-1, Math.min(1, weighted / weight)) : 0;
  const confidence = 1 - Math.exp(-weight / CONFIDENCE_SCALE);
  let stance: StanceLabel;
  if (weight < p.minEvidence) stance = 'unknown';
  else if (score >= p.advocateThreshold) stance = 'advocate';
  else if (score <= p.detractorThreshold) stance = 'detractor';
  else stance = 'passive';

  return {
    stance,
    score,
    confidence,
    evidence: {
      latestNps: latest ? latest.score : null,
      latestNpsAt: latest ? latest.at : null,
      npsClass: latest ? classifyNps(latest.score) : null,
      positive,
      negative,
      neutral,
      weight,
    },
  };
}

function checkParams(p: StanceParams): void {
  const problems: Problem[] = [];
  const bad = (field: keyof StanceParams, message: string): void => {
    problems.push({ path: ['params', field], message });
  };
  if (!(p.halfLifeDays > 0) || !Number.isFinite(p.halfLifeDays)) bad('halfLifeDays', 'must be a positive number of days');
  if (!Number.isFinite(p.asOf)) bad('asOf', 'must be a finite epoch in milliseconds');
  for (const f of ['npsWeight', 'engagementWeight', 'contentWeight', 'minEvidence'] as const) {
    if (!(p[f] >= 0) || !Number.isFinite(p[f])) bad(f, 'must be a finite number >= 0');
  }
  if (!(p.supersededFactor >= 0 && p.supersededFactor <= 1)) bad('supersededFactor', 'must be in [0, 1]');
  for (const f of ['advocateThreshold', 'detractorThreshold'] as const) {
    if (!(p[f] >= -1 && p[f] <= 1)) bad(f, 'must be in [-1, 1]');
  }
  if (p.detractorThreshold >= p.advocateThreshold) bad('detractorThreshold', 'must be below advocateThreshold');
  if (problems.length > 0) throw validationError('invalid stance parameters', problems);
}

function checkEvidence(e: StanceEvidence): void {
  const problems: Problem[] = [];
  const checkAt = (list: string, i: number, at: number): void => {
    if (!Number.isFinite(at)) problems.push({ path: [list, i, 'at'], message: 'must be a finite epoch in milliseconds' });
  };
  const checkSentiment = (list: string, i: number, s: number): void => {
    if (!(s >= -1 && s <= 1)) problems.push({ path: [list, i, 'sentiment'], message: 'must be between -1 and 1' });
  };
  e.ratings.forEach((r, i) => {
    if (!isNpsScore(r.score)) problems.push({ path: ['ratings', i, 'score'], message: 'an NPS answer is an integer 0..10' });
    checkAt('ratings', i, r.at);
  });
  e.engagements.forEach((g, i) => {
    checkSentiment('engagements', i, g.sentiment);
    checkAt('engagements', i, g.at);
  });
  e.content.forEach((c, i) => {
    checkSentiment('content', i, c.sentiment);
    checkAt('content', i, c.at);
  });
  if (problems.length > 0) throw validationError('invalid stance evidence', problems);
}
