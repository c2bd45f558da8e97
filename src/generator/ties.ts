/** ties.ndjson: the tie structure of the world, with a start time and a strength per tie. */
import { customerIds } from './ids.js';
import { Rng } from './prng.js';
import { iso, recentBetween } from './time.js';
import type { TieRow } from './types.js';
import { progressTicker, round3, type RowProgress } from './util.js';
import { KNOWS, tieFrom, tieKind, tieTo, type World } from './world.js';

/**
 * Weights: KNOWS ties are strong (0.3..1), FOLLOWS weak (0.05..0.8); ties across communities
 * and follows of super users are weaker still. Always in (0, 1].
 */
export function* tieRows(w: World, onProgress?: RowProgress): Generator<TieRow> {
  const rng = Rng.stream(w.options.seed, 'tie-rows');
  const id = customerIds(w);
  const n = w.n;
  const tick = progressTicker(w.ties.length, onProgress);
  for (let t = 0; t < w.ties.length; t++) {
    const key = w.ties[t];
    const a = tieFrom(key, n);
    const b = tieTo(key, n);
    const knows = tieKind(key) === KNOWS;
    const since = recentBetween(rng, Math.max(w.createdAt[a], w.createdAt[b]), w.nowMs, 1.5);
    let weight = knows ? 0.3 + 0.7 * Math.pow(rng.next(), 0.8) : 0.05 + 0.75 * Math.pow(rng.next(), 1.3);
    if (w.community[a] !== w.community[b]) weight *= 0.7;
    if (!knows && w.isSuper[b]) weight *= 0.6;
    yield {
      from: id[a],
      to: id[b],
      kind: knows ? 'KNOWS' : 'FOLLOWS',
      since: iso(since),
      weight: Math.max(0.001, Math.min(1, round3(weight))),
    };
    tick(t + 1);
  }
}
