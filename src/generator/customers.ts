/** customers.ndjson: names, handles, segment, region, account age, opt-out and attributes. */
import { customerIds } from './ids.js';
import { Rng } from './prng.js';
import { iso } from './time.js';
import type { CustomerRow } from './types.js';
import { progressTicker, type RowProgress } from './util.js';
import {
  AGE_BAND_WEIGHTS,
  AGE_BANDS,
  FIRST_NAMES,
  LAST_NAMES,
  LOYALTY_TIER_WEIGHTS,
  LOYALTY_TIERS,
  REGION_LANGUAGES,
  REGIONS,
  SEGMENTS,
} from './vocab.js';
import { ADVOCATE, DETRACTOR, type World } from './world.js';

const LOYALTY_BY_STANCE = [
  [0.4, 0.32, 0.2, 0.08],
  LOYALTY_TIER_WEIGHTS,
  [0.7, 0.22, 0.07, 0.01],
] as const;

export function* customerRows(w: World, onProgress?: RowProgress): Generator<CustomerRow> {
  const rng = Rng.stream(w.options.seed, 'customer-rows');
  const id = customerIds(w);
  const tick = progressTicker(w.n, onProgress);
  for (let i = 0; i < w.n; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const f = first.toLowerCase();
    const l = last.toLowerCase();
    // the base has no digits and ends in a letter; the numeric suffix makes handles unique
    const base = [`${f}.${l}`, `${f}_${l}`, `${f}${l}`, `${f[0]}${l}`, `${l}.${f}`, `its${f}`][rng.weighted([3, 2, 2, 1.5, 1, 0.5])];
    const optedOut = !w.isSuper[i] && rng.next() < w.options.optedOutShare;
    const row: CustomerRow = {
      id: id[i],
      name: `${first} ${last}`,
      handle: `${base}${i}`,
      segment: SEGMENTS[w.segment[i]],
      region: REGIONS[w.region[i]],
      optedOut,
      createdAt: iso(w.createdAt[i]),
    };
    if (rng.next() < 0.7) {
      const languages = REGION_LANGUAGES[w.region[i]];
      const stance = w.stance[i];
      row.attributes = {
        ageBand: AGE_BANDS[rng.weighted(AGE_BAND_WEIGHTS)],
        language: rng.pick(languages),
        loyaltyTier: LOYALTY_TIERS[rng.weighted(LOYALTY_BY_STANCE[stance === ADVOCATE ? 0 : stance === DETRACTOR ? 2 : 1])],
        newsletter: rng.next() < (stance === DETRACTOR ? 0.2 : 0.45),
      };
    }
    yield row;
    tick(i + 1);
  }
}
