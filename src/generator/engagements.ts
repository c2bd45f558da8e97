/**
 * engagements.ndjson: customers engaging with the brand side — brands, products, content and
 * campaigns. Three quarters of a customer's engagements concern b1 and follow the planted
 * stance: advocates like, share, review well and buy; detractors complain and review badly.
 * Content is found socially first (people one follows or knows), then in one's community, then
 * anywhere; campaign engagements fall inside the campaign's window.
 */
import { contentIdFormatter } from './content.js';
import { customerIds, eventIdFormatter } from './ids.js';
import { Rng } from './prng.js';
import { iso, recentBetween } from './time.js';
import type { EngagementKind, EngagementRow, EngagementTargetKind } from './types.js';
import { progressTicker, round3, type RowProgress } from './util.js';
import { CHANNELS } from './vocab.js';
import { ADVOCATE, clampSentiment, otherBrandStance, PASSIVE, stanceSentiment, type World } from './world.js';

const KINDS: readonly EngagementKind[] = ['like', 'review', 'share', 'check-in', 'complaint', 'purchase', 'click'];
const LIKE = 0;
const CHECK_IN = 3;
const COMPLAINT = 4;
const PURCHASE = 5;
const CLICK = 6;

/** P(kind) by stance (advocate, passive, detractor), in the order of KINDS. */
const KIND_BY_STANCE = [
  [0.22, 0.12, 0.14, 0.12, 0.03, 0.2, 0.17],
  [0.2, 0.05, 0.05, 0.15, 0.05, 0.2, 0.3],
  [0.06, 0.16, 0.04, 0.05, 0.42, 0.07, 0.2],
];

const TARGETS: readonly EngagementTargetKind[] = ['brand', 'product', 'content', 'campaign'];
const BRAND = 0;
const PRODUCT = 1;
const CONTENT = 2;
const CAMPAIGN = 3;
/** P(target kind) by engagement kind. */
const TARGET_BY_KIND = [
  [0.25, 0, 0.6, 0.15],
  [0.2, 0.8, 0, 0],
  [0.1, 0, 0.7, 0.2],
  [1, 0, 0, 0],
  [0.55, 0.45, 0, 0],
  [0, 1, 0, 0],
  [0, 0.15, 0.3, 0.55],
];
/** P(channel) by engagement kind, in the order of CHANNELS (web, mobile-app, store, email, social, call-center). */
const CHANNEL_BY_KIND = [
  [0.1, 0.2, 0, 0, 0.7, 0],
  [0.5, 0.3, 0, 0, 0.2, 0],
  [0.05, 0.15, 0, 0, 0.8, 0],
  [0, 0.2, 0.8, 0, 0, 0],
  [0.2, 0.1, 0, 0.2, 0.3, 0.2],
  [0.4, 0.3, 0.3, 0, 0, 0],
  [0.25, 0.1, 0, 0.35, 0.3, 0],
];
/** Mean engagements by participation tier, and a factor by stance (the indifferent engage less). */
const ENGAGEMENTS_BY_TIER = [2, 5, 8];
const STANCE_FACTOR = [1.15, 0.8, 1.1];

/** A content item for customer i, preferring items about brand b; -1 if there is none. */
function pickContent(w: World, i: number, b: number, rng: Rng): number {
  const plan = w.content;
  if (plan.count === 0) return -1;
  let candidate = -1;
  for (let attempt = 0; attempt < 3; attempt++) {
    let q = -1;
    const u = rng.next();
    const d = w.outOffset[i + 1] - w.outOffset[i];
    if (u < 0.55 && d > 0) {
      for (let tries = 0; tries < 4 && q < 0; tries++) {
        const j = w.out[w.outOffset[i] + rng.int(d)];
        const count = plan.byAuthorOffset[j + 1] - plan.byAuthorOffset[j];
        if (count > 0) q = plan.byAuthor[plan.byAuthorOffset[j] + rng.int(count)];
      }
    }
    if (q < 0 && u < 0.85) {
      const c = w.community[i];
      const count = plan.byCommunityOffset[c + 1] - plan.byCommunityOffset[c];
      if (count > 0) q = plan.byCommunity[plan.byCommunityOffset[c] + rng.int(count)];
    }
    if (q < 0) q = rng.int(plan.count);
    if (plan.author[q] === i) continue;
    candidate = q;
    if (plan.brand[q] === b) break;
  }
  return candidate;
}

export function* engagementRows(w: World, onProgress?: RowProgress): Generator<EngagementRow> {
  const rng = Rng.stream(w.options.seed, 'engagements');
  const cid = customerIds(w);
  const eid = eventIdFormatter('en', w.n, 40);
  const contentId = contentIdFormatter(w);
  const { brands, products, productsByBrand, productPopularity, campaigns, campaignsByBrand, campaignStart, campaignEnd } =
    w.catalog;
  const plan = w.content;
  const tick = progressTicker(w.n, onProgress);
  let next = 0;
  for (let i = 0; i < w.n; i++) {
    const created = w.createdAt[i];
    const mean =
      ENGAGEMENTS_BY_TIER[w.tier[i]] * STANCE_FACTOR[w.stance[i]] * w.options.activity * rng.lognormalMean1(0.6);
    const events = rng.poisson(mean);
    for (let e = 0; e < events; e++) {
      const b = brands.length === 1 || rng.next() < 0.75 ? 0 : 1 + rng.int(brands.length - 1);
      const stance = b === 0 ? w.stance[i] : otherBrandStance(w.options.seed, i, b);
      const k = rng.weighted(KIND_BY_STANCE[stance]);
      let target = rng.weighted(TARGET_BY_KIND[k]);
      let targetId = brands[b].id;
      let at = -1;
      let sentiment = stanceSentiment(rng, stance, 0.22);
      if (target === CAMPAIGN) {
        const own = campaignsByBrand[b];
        for (let tries = 0; tries < 3 && at < 0; tries++) {
          const c = own[rng.int(own.length)];
          const lo = Math.max(campaignStart[c], created);
          const hi = Math.min(campaignEnd[c], w.nowMs);
          if (lo <= hi) {
            at = rng.uniform(lo, hi);
            targetId = campaigns[c].id;
          }
        }
        if (at < 0) target = BRAND;
      } else if (target === CONTENT) {
        const q = pickContent(w, i, b, rng);
        if (q < 0) target = BRAND;
        else {
          targetId = contentId(q);
          at = recentBetween(rng, Math.max(created, plan.at[q]), w.nowMs, 2.5);
          if (plan.brand[q] !== b) {
            // content not about this brand: the reaction is to the content more than to the brand
            const lean = stance === ADVOCATE ? 0.15 : stance === PASSIVE ? 0.05 : -0.15;
            sentiment = clampSentiment(0.5 * plan.sentiment[q] + lean + 0.2 * rng.normal());
          }
        }
      } else if (target === PRODUCT) {
        targetId = products[productsByBrand[b][productPopularity[b].sample(rng)]].id;
      }
      if (at < 0) at = recentBetween(rng, created, w.nowMs, 2);
      if (k === COMPLAINT) sentiment = clampSentiment(Math.min(sentiment, 0) - 0.35 - 0.15 * Math.abs(rng.normal()));
      else if (k === PURCHASE) sentiment = 0.6 * sentiment + 0.15;
      else if (k === CLICK) sentiment = 0.4 * sentiment;
      else if (k === CHECK_IN) sentiment = 0.7 * sentiment + 0.05;
      else if (k === LIKE) sentiment = clampSentiment(sentiment + 0.1);
      yield {
        id: eid(next++),
        customerId: cid[i],
        targetKind: TARGETS[target],
        targetId,
        kind: KINDS[k],
        at: iso(at),
        sentiment: round3(sentiment),
        channel: CHANNELS[rng.weighted(CHANNEL_BY_KIND[k])],
      };
    }
    tick(i + 1);
  }
}
