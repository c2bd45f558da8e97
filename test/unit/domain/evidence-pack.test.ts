/**
 * Stance evidence packed into typed arrays for a thread crossing comes back the same: the same
 * Maps with entries in the same order, the same values, a missing date as null; and evidence built
 * straight into packed columns unpacks to the Maps the same pieces would have filled, put in one
 * canonical order whatever order the pieces came in.
 */
import { describe, expect, it } from 'vitest';
import { EvidenceBuilder, packEvidence, unpackEvidence } from '../../../src/domain/evidence-pack.js';
import { buffersOf } from '../../../src/domain/in-worker.js';
import type { StanceEvidence } from '../../../src/domain/stance.js';

/** A null number (NaN in the packed columns) after every number. */
const byNumber = (x: number | null, y: number | null) => (x === y ? 0 : x === null ? 1 : y === null ? -1 : x - y);
const byKind = (x: string | null, y: string | null) => (x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1);

/** Evidence in the builder's canonical order: entries by customer, pieces by time, then value, then kind. */
function canonical(evidence: Map<number, StanceEvidence>): Map<number, StanceEvidence> {
  return new Map(
    [...evidence.entries()]
      .sort(([a], [b]) => a - b)
      .map(([customer, e]) => [
        customer,
        {
          ratings: [...e.ratings].sort((x, y) => byNumber(x.at, y.at) || byNumber(x.score, y.score)),
          engagements: [...e.engagements].sort((x, y) => byNumber(x.at, y.at) || byNumber(x.sentiment, y.sentiment) || byKind(x.kind, y.kind)),
          content: [...e.content].sort((x, y) => byNumber(x.at, y.at) || byNumber(x.sentiment, y.sentiment)),
        },
      ]),
  );
}

describe('packed stance evidence', () => {
  it('unpacks to the same Maps in the same order, nulls included', () => {
    const acme = new Map<number, StanceEvidence>([
      [7, { ratings: [{ score: 9, at: 1000 }, { score: 3, at: 2000 }], engagements: [{ sentiment: 0.5, kind: 'like', at: 1500 }], content: [] }],
      [2, { ratings: [], engagements: [{ sentiment: -1, kind: 'complaint', at: null as unknown as number }, { sentiment: 0, kind: 'like', at: 3 }], content: [{ sentiment: 0.25, at: 4 }] }],
      [5, { ratings: [], engagements: [], content: [] }],
    ]);
    const zeta = new Map<number, StanceEvidence>([[2, { ratings: [{ score: 0, at: 9 }], engagements: [{ sentiment: 0.1, kind: 'purchase', at: 8 }], content: [] }]]);
    const evidence = [acme, zeta, new Map<number, StanceEvidence>()];
    const packed = packEvidence(evidence);
    expect(packed.kinds).toEqual(['like', 'complaint', 'purchase']);
    const back = unpackEvidence(structuredClone(packed, { transfer: buffersOf(packed) }));
    expect(back).toEqual(evidence);
    expect([...back[0].keys()]).toEqual([7, 2, 5]);
    expect(back[0].get(2)!.engagements[0].at).toBeNull();
  });

  it.each([
    ['Maps', 0],
    ['arrays', 50],
  ])('builds packed evidence piece by piece that unpacks to the Maps the same pieces fill (entries found in %s)', (_, customers) => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const kinds = ['like', 'purchase', null, 'complaint'];
    const maps = [0, 1, 2].map(() => new Map<number, StanceEvidence>());
    const builder = new EvidenceBuilder(3, customers);
    const of = (b: number, c: number) => {
      let e = maps[b].get(c);
      if (!e) maps[b].set(c, (e = { ratings: [], engagements: [], content: [] }));
      return e;
    };
    const maybe = (x: number) => (random() < 0.1 ? NaN : x);
    const back = (x: number) => (Number.isNaN(x) ? (null as unknown as number) : x);
    for (let k = 0; k < 2000; k++) {
      const b = Math.floor(random() * 2); // brand 2 gets nothing
      const c = Math.floor(random() * 50);
      const what = random();
      const x = maybe(Math.round(random() * 200) / 100 - 1);
      const at = maybe(Math.floor(random() * 1e6));
      if (what < 0.3) {
        builder.rating(b, c, x, at);
        of(b, c).ratings.push({ score: back(x), at: back(at) });
      } else if (what < 0.8) {
        const kind = kinds[Math.floor(random() * kinds.length)];
        builder.engagement(b, c, x, kind, at);
        of(b, c).engagements.push({ sentiment: back(x), kind: kind as string, at: back(at) });
      } else {
        builder.content(b, c, x, at);
        of(b, c).content.push({ sentiment: back(x), at: back(at) });
      }
    }
    const built = unpackEvidence(builder.build());
    const expected = maps.map(canonical);
    expect(built).toEqual(expected);
    for (let b = 0; b < 3; b++) expect([...built[b].keys()]).toEqual([...expected[b].keys()]);
    expect(unpackEvidence(packEvidence(expected))).toEqual(built);
  });

  it('builds the same packed evidence whatever order the pieces come in', () => {
    const pieces: [number, number, number, string | null, number][] = [];
    for (let k = 0; k < 300; k++) pieces.push([k % 2, (k * 7) % 23, k % 5 === 0 ? NaN : (k % 9) / 4 - 1, [null, 'like', 'purchase'][k % 3], k % 4 === 0 ? NaN : k % 11]);
    const build = (order: typeof pieces) => {
      const builder = new EvidenceBuilder(2, 23);
      for (const [b, c, x, kind, at] of order) {
        if (kind === null && x > 0) builder.rating(b, c, x, at);
        else if (kind === null) builder.content(b, c, x, at);
        else builder.engagement(b, c, x, kind, at);
      }
      return builder.build();
    };
    const reversed = build([...pieces].reverse());
    expect(reversed).toEqual(build(pieces));
    expect(reversed.kinds).toEqual(['like', 'purchase']);
  });
});
