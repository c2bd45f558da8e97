/**
 * Fresh community ids handed out inside the publication transaction: a run's fresh ids move to
 * start at the sequence's next id, kept ids stay, and a retried transaction (called again with
 * another next id) lands on the same result as a single call would.
 */
import { describe, expect, it } from 'vitest';
import { FreshCommunityIds } from '../../../src/domain/analytics-run.service.js';
import type { ScoreSet } from '../../../src/domain/scoring.js';

/** Ids 3 and 4 were kept from the previous run; 5 and 6 are fresh (the run saw 4 as the largest id). */
function result(): ScoreSet {
  return {
    fields: { community: Int32Array.from([3, 3, 4, 5, 5, 6]) },
    text: { participationTier: [], topics: [] },
    communities: [
      { id: 3, size: 2, density: 1, internalTies: 2, ties: [{ community: 5, arcs: 1 }], topics: [], topMembers: [], previousSize: 2 },
      { id: 5, size: 2, density: 1, internalTies: 2, ties: [{ community: 3, arcs: 1 }, { community: 6, arcs: 1 }], topics: [], topMembers: [], previousSize: 0 },
      { id: 6, size: 1, density: 0, internalTies: 0, ties: [], topics: [], topMembers: [], previousSize: 0 },
    ],
    summary: { louvain: { maxCommunityId: 6 } },
  };
}

describe('FreshCommunityIds', () => {
  it('keeps everything when nobody else handed out ids meanwhile', () => {
    const r = result();
    expect(new FreshCommunityIds(r, 5).reserveFrom(5)).toBe(6);
    expect(Array.from(r.fields.community!)).toEqual([3, 3, 4, 5, 5, 6]);
  });

  it('moves only the fresh ids, in the arrays, the summaries and their ties', () => {
    const r = result();
    expect(new FreshCommunityIds(r, 5).reserveFrom(9)).toBe(10);
    expect(Array.from(r.fields.community!)).toEqual([3, 3, 4, 9, 9, 10]);
    expect(r.communities.map((c) => c.id)).toEqual([3, 9, 10]);
    expect(r.communities[0].ties).toEqual([{ community: 9, arcs: 1 }]);
    expect(r.communities[1].ties.map((t) => t.community)).toEqual([3, 10]);
    expect((r.summary.louvain as { maxCommunityId: number }).maxCommunityId).toBe(10);
  });

  it('gives the same result when a retried transaction calls it again', () => {
    const once = result();
    new FreshCommunityIds(once, 5).reserveFrom(12);
    const twice = result();
    const reservation = new FreshCommunityIds(twice, 5);
    reservation.reserveFrom(9);
    expect(reservation.reserveFrom(12)).toBe(13);
    expect(Array.from(twice.fields.community!)).toEqual(Array.from(once.fields.community!));
    expect(twice.communities).toEqual(once.communities);
    // And back down to the original start, if the retry sees the sequence as it first was.
    reservation.reserveFrom(5);
    expect(Array.from(twice.fields.community!)).toEqual([3, 3, 4, 5, 5, 6]);
  });
});
