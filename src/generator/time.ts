/** Time helpers: milliseconds since the epoch inside the generator, ISO 8601 strings in rows. */
import type { Rng } from './prng.js';

export const DAY_MS = 86_400_000;

const TWO_DIGITS = Array.from({ length: 60 }, (_, k) => String(k).padStart(2, '0'));
const dayPrefix = new Map<number, string>();

/**
 * ISO 8601 in UTC, truncated to the second — `new Date(ms).toISOString()` with the
 * milliseconds zeroed, for years 1970..9999, about five times faster (date part cached per day).
 */
export function iso(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const day = Math.floor(seconds / 86400);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    if (dayPrefix.size > 100_000) dayPrefix.clear();
    dayPrefix.set(day, prefix);
  }
  const s = seconds - day * 86400;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s - h * 3600) / 60);
  return `${prefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[s - h * 3600 - m * 60]}.000Z`;
}

/**
 * A time in [lo, hi] whose density rises toward `hi` as x^(k-1) (k = 1: uniform; k = 2: linear,
 * so the last half of the window holds three quarters of the events).
 */
export function recentBetween(rng: Rng, lo: number, hi: number, k: number): number {
  if (!(hi > lo)) return hi;
  return lo + (hi - lo) * Math.pow(rng.next(), 1 / k);
}
