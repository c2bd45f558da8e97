/**
 * ratings.ndjson: NPS answers (0..10). A sample of customers (`npsShare`) answered for b1, with
 * scores drawn from their planted stance: advocates mostly 9–10, passives mostly 7–8, detractors
 * mostly 0–6. A third as many answered for each other brand, from an unplanted stance.
 */
import { customerIds, eventIdFormatter } from './ids.js';
import { Rng } from './prng.js';
import { iso, recentBetween } from './time.js';
import type { RatingRow } from './types.js';
import { progressTicker, type RowProgress } from './util.js';
import { otherBrandStance, type World } from './world.js';

/** P(score = 0..10) by stance (advocate, passive, detractor). */
export const SCORE_WEIGHTS: readonly (readonly number[])[] = [
  [0, 0, 0, 0, 0, 0, 0.01, 0.03, 0.08, 0.33, 0.55],
  [0, 0, 0, 0, 0.01, 0.02, 0.07, 0.38, 0.4, 0.1, 0.02],
  [0.05, 0.04, 0.07, 0.1, 0.14, 0.22, 0.24, 0.09, 0.05, 0, 0],
];

export function* ratingRows(w: World, onProgress?: RowProgress): Generator<RatingRow> {
  const rng = Rng.stream(w.options.seed, 'ratings');
  const cid = customerIds(w);
  const rid = eventIdFormatter('r', w.n, w.options.brands);
  const tick = progressTicker(w.n, onProgress);
  const { brands } = w.catalog;
  let next = 0;
  for (let i = 0; i < w.n; i++) {
    for (let b = 0; b < brands.length; b++) {
      const share = b === 0 ? w.options.npsShare : w.options.npsShare / 3;
      if (rng.next() >= share) continue;
      const stance = b === 0 ? w.stance[i] : otherBrandStance(w.options.seed, i, b);
      yield {
        id: rid(next++),
        customerId: cid[i],
        brandId: brands[b].id,
        score: rng.weighted(SCORE_WEIGHTS[stance]),
        at: iso(recentBetween(rng, w.createdAt[i], w.nowMs, 1.5)),
      };
    }
    tick(i + 1);
  }
}
