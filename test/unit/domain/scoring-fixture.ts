/**
 * A generated projection for scoring tests: n customers with random FOLLOWS ties and interaction
 * arcs (seeded), two brands of stance evidence and a few opted-out customers.
 */
import { createRng } from '../../../src/analytics/random.js';
import type { Projection } from '../../../src/domain/projection.js';
import type { StanceEvidence } from '../../../src/domain/stance.js';

export function generatedProjection(n: number, arcsPerNode: number, seed = 1): Projection {
  const rng = createRng(seed);
  const src: number[] = [];
  const dst: number[] = [];
  const weight: number[] = [];
  const isTie: number[] = [];
  const seen = new Set<number>();
  for (let u = 0; u < n; u++) {
    for (let k = 0; k < arcsPerNode; k++) {
      // Preferential-ish targets: low indices are more popular.
      const v = Math.floor(n * rng.next() ** 2);
      if (v === u || seen.has(u * n + v)) continue;
      seen.add(u * n + v);
      const tie = rng.next() < 0.7 ? 1 : 0;
      src.push(u);
      dst.push(v);
      isTie.push(tie);
      weight.push(tie + 0.5 * Math.floor(rng.next() * 4));
    }
  }
  const m = src.length;
  const ints = (f: (i: number) => number) => Int32Array.from({ length: n }, (_, i) => f(i));
  const posts = ints(() => Math.floor(rng.next() * 5));
  const evidence: Map<number, StanceEvidence>[] = [new Map(), new Map()];
  for (let i = 0; i < n; i += 7) {
    evidence[i % 2].set(i, { ratings: [{ score: i % 11, at: Date.parse('2025-12-01T00:00:00Z') }], engagements: [{ sentiment: (i % 3) - 1, kind: 'like', at: Date.parse('2025-11-01T00:00:00Z') }], content: [] });
  }
  return {
    ids: Array.from({ length: n }, (_, i) => `c${String(i).padStart(6, '0')}`),
    optedOut: Uint8Array.from({ length: n }, (_, i) => (i % 50 === 3 ? 1 : 0)),
    previousCommunity: new Int32Array(n).fill(-1),
    src: Int32Array.from(src),
    dst: Int32Array.from(dst),
    weight: Float64Array.from(weight),
    isTie: Uint8Array.from(isTie),
    followers: ints(() => 0),
    following: ints(() => 0),
    interactionsReceived: ints(() => Math.floor(rng.next() * 10)),
    interactionsGiven: ints(() => Math.floor(rng.next() * 10)),
    posts,
    engagementsReceived: ints(() => Math.floor(rng.next() * 20)),
    engagementsGiven: ints(() => Math.floor(rng.next() * 20)),
    topics: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? ['coffee'] : i % 3 === 1 ? ['tea', 'coffee'] : [])),
    amplificationReceived: Float64Array.from({ length: n }, () => rng.next() * 3),
    amplificationGiven: Float64Array.from({ length: n }, () => rng.next() * 3),
    positiveVolume: Float64Array.from({ length: m }, () => rng.next()),
    negativeVolume: Float64Array.from({ length: m }, () => rng.next() * 0.2),
    brands: ['b1', 'b2'],
    evidence,
    lastPurchaseAt: new Float64Array(n).fill(NaN),
    asOf: '2026-01-01T00:00:00.000Z',
    counts: { follows: m, knows: 0, interactions: m },
  };
}
