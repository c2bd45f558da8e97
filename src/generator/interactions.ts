/**
 * interactions.ndjson: who addressed or amplified whom. Each customer draws a number of events
 * by participation tier; likes, replies and comments go to people they follow or know (popular
 * ones more often), while shares and mentions go to super users half of the time — those they
 * follow first, otherwise whichever is making the rounds. Events on the same (to, kind) are
 * aggregated into one row with a count and the time of the last. Sentiment follows the stance of
 * the one speaking.
 */
import { customerIds, eventIdFormatter } from './ids.js';
import { Rng } from './prng.js';
import { iso, recentBetween } from './time.js';
import type { InteractionKind, InteractionRow } from './types.js';
import { progressTicker, round3, type RowProgress } from './util.js';
import { ADVOCATE, clampSentiment, PASSIVE, type World } from './world.js';

const KINDS: readonly InteractionKind[] = ['mention', 'reply', 'share', 'like', 'comment'];
const KIND_WEIGHTS = [0.14, 0.2, 0.2, 0.32, 0.14];
const MENTION = 0;
const SHARE = 2;
/** Mean events per customer by participation tier (lurker, contributor, creator). */
const EVENTS_BY_TIER = [2, 8, 20];

/** A neighbour of i from three random draws, chosen in proportion to popularity. */
function popularNeighbour(w: World, i: number, rng: Rng): number {
  const off = w.outOffset[i];
  const d = w.outOffset[i + 1] - off;
  if (d === 0) return -1;
  const a = w.out[off + rng.int(d)];
  const b = w.out[off + rng.int(d)];
  const c = w.out[off + rng.int(d)];
  const pa = w.popularity[a];
  const pb = w.popularity[b];
  const x = rng.next() * (pa + pb + w.popularity[c]);
  return x < pa ? a : x < pa + pb ? b : c;
}

/** A super user i hears from (up to six draws), else one drawn by super-user popularity. */
function amplifiedSuperUser(w: World, i: number, rng: Rng): number {
  const off = w.outOffset[i];
  const d = w.outOffset[i + 1] - off;
  for (let tries = 0; tries < Math.min(6, d); tries++) {
    const j = w.out[off + rng.int(d)];
    if (w.isSuper[j]) return j;
  }
  return w.superUsers[w.superAlias.sample(rng)];
}

export function* interactionRows(w: World, onProgress?: RowProgress): Generator<InteractionRow> {
  const rng = Rng.stream(w.options.seed, 'interactions');
  const cid = customerIds(w);
  const iid = eventIdFormatter('ix', w.n, 40);
  const tick = progressTicker(w.n, onProgress);
  const hasSuper = w.superUsers.length > 0;
  const amplify = w.model.amplifySuperUser;
  const slotOf = new Map<number, number>();
  const slotTarget: number[] = [];
  const slotKind: number[] = [];
  const slotCount: number[] = [];
  const slotAt: number[] = [];
  const slotSentiment: number[] = [];
  let next = 0;
  for (let i = 0; i < w.n; i++) {
    const events = rng.poisson(EVENTS_BY_TIER[w.tier[i]] * w.options.activity * rng.lognormalMean1(0.6));
    if (events > 0) {
      slotOf.clear();
      slotTarget.length = slotKind.length = slotCount.length = slotAt.length = slotSentiment.length = 0;
      const mean = w.stance[i] === ADVOCATE ? 0.45 : w.stance[i] === PASSIVE ? 0.12 : -0.4;
      for (let e = 0; e < events; e++) {
        const k = rng.weighted(KIND_WEIGHTS);
        let t: number;
        if ((k === SHARE || k === MENTION) && hasSuper && rng.next() < amplify) t = amplifiedSuperUser(w, i, rng);
        else {
          t = popularNeighbour(w, i, rng);
          if (t < 0 && (k === SHARE || k === MENTION) && hasSuper) t = w.superUsers[w.superAlias.sample(rng)];
        }
        if (t < 0 || t === i) continue;
        const at = recentBetween(rng, Math.max(w.createdAt[i], w.createdAt[t]), w.nowMs, 2);
        const sentiment = mean + 0.3 * rng.normal();
        const times = 1 + (rng.next() < 0.25 ? rng.poisson(1.5) : 0);
        const key = t * 8 + k;
        let slot = slotOf.get(key);
        if (slot === undefined) {
          slot = slotTarget.length;
          slotOf.set(key, slot);
          slotTarget.push(t);
          slotKind.push(k);
          slotCount.push(0);
          slotAt.push(at);
          slotSentiment.push(0);
        }
        slotCount[slot] += times;
        slotSentiment[slot] += sentiment * times;
        if (at > slotAt[slot]) slotAt[slot] = at;
      }
      for (let s = 0; s < slotTarget.length; s++) {
        yield {
          id: iid(next++),
          from: cid[i],
          to: cid[slotTarget[s]],
          kind: KINDS[slotKind[s]],
          at: iso(slotAt[s]),
          count: slotCount[s],
          sentiment: round3(clampSentiment(slotSentiment[s] / slotCount[s])),
        };
      }
    }
    tick(i + 1);
  }
}
