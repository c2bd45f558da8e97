/**
 * Possible worlds: deterministic random coins addressed by (seed, world, index).
 *
 * A diffusion run under independent cascade is a "live-edge" world (each arc live with its
 * probability), under linear threshold a world where each node keeps at most one live in-arc
 * (Kempe, Kleinberg, Tardos, KDD 2003, Thm. 4.6). Every randomised step of the campaign kernel —
 * a reverse-reachable set, a forward simulation, a CELF estimate — draws its coins as
 * coin(worldKey(seed, w), i): a pure function of the seed, the world number w and the arc or node
 * index i. So a world is the same whatever order it is explored in and whichever thread draws it,
 * which makes results identical for a seed however the work is split, and lets CELF compare
 * candidates on common worlds (its estimate is then exactly monotone and submodular).
 *
 * The mixing function is MurmurHash3's 32-bit finaliser (Austin Appleby, public domain), written
 * out from its definition; inputs are combined with odd multiplicative constants (golden-ratio
 * and Weyl increments as in random.ts's mulberry32). For a fixed world, distinct indices give
 * distinct 32-bit outputs (both steps are bijections). Cost: O(1), two multiplies per coin.
 * Why not random.ts: mulberry32 is a sequential stream; these coins must be random-access.
 */

/** MurmurHash3 fmix32: a bijective avalanche mix of 32 bits. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Streams keep the worlds of different uses apart under one seed: forward simulations (0), RR
 * sets (1) and CELF's estimates (2). So a plan picked by CELF with seed s and then scored by
 * simulateSpread with the same seed is scored on other worlds than the ones it was picked on.
 */
export const STREAM = { simulate: 0, rrSets: 1, celf: 2 } as const;

/** Key of world `world` (0 ≤ world < 2^32) of `stream` under `seed` (low 32 bits of its integer part). */
export function worldKey(seed: number, world: number, stream = 0): number {
  const s = fmix32((Math.trunc(seed) + 0x6d2b79f5 + Math.imul(stream, 0x3c6ef372)) >>> 0);
  return fmix32((s ^ Math.imul(world >>> 0, 0x9e3779b1)) + 0x632be5ab);
}

/** Uniform 32-bit integer for index `i` in the world of `key`. */
export function coin32(key: number, i: number): number {
  return fmix32(key ^ Math.imul((i + 1) >>> 0, 0x7feb352d));
}

/** 2^32: a probability p is compared as coin32 < p · 2^32. */
export const TWO32 = 4294967296;

/** Index used for a world's own draws (the root of a reverse-reachable set). */
export const ROOT_INDEX = 0xfffffffe;
