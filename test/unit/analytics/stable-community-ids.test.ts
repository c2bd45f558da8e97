import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, stableCommunityIds } from '../../../src/analytics/index.js';

const labels = (xs: number[]) => Int32Array.from(xs);

describe('stableCommunityIds', () => {
  it('first run: every community gets a fresh id from 0, in label order', () => {
    const r = stableCommunityIds(labels([0, 0, 1, 2, 1]), new Map(), []);
    expect(Array.from(r.idOfCommunity)).toEqual([0, 1, 2]);
    expect(Array.from(r.ids)).toEqual([0, 0, 1, 2, 1]);
    expect(r.kept).toBe(0);
    expect(r.created).toBe(3);
    expect(r.maxUsedId).toBe(2);
  });

  it('keeps ids when the same communities come back under other labels', () => {
    const previous = new Map([[0, 10], [1, 10], [2, 11], [3, 11]]);
    const r = stableCommunityIds(labels([1, 1, 0, 0]), previous, [10, 11]);
    expect(Array.from(r.idOfCommunity)).toEqual([11, 10]);
    expect(r.kept).toBe(2);
    expect(r.created).toBe(0);
  });

  it('needs a strict majority: exactly half is not enough', () => {
    const previous = new Map([[0, 5], [1, 5], [2, 6], [3, 6]]);
    const r = stableCommunityIds(labels([0, 0, 0, 0]), previous, [5, 6]);
    expect(Array.from(r.idOfCommunity)).toEqual([7]);
    const s = stableCommunityIds(labels([0, 0, 0, 1]), new Map([[0, 5], [1, 5], [2, 6], [3, 6]]), [5, 6]);
    expect(s.idOfCommunity[0]).toBe(5); // {5,5,6}: 2 of 3
  });

  it('counts new members (no previous id) in the denominator', () => {
    // Community 0 = nodes 0..4; only 2 had id 3, 3 are new → 2/5 is no majority.
    const r = stableCommunityIds(labels([0, 0, 0, 0, 0]), new Map([[0, 3], [1, 3]]), [3]);
    expect(r.idOfCommunity[0]).toBe(4);
  });

  it('a split community: the larger overlap keeps the id, the other gets a fresh one', () => {
    // Old community 1 = nodes 0..6. New: {0,1,2,3} and {4,5,6}; both are 100 % old 1.
    const previous = new Map([0, 1, 2, 3, 4, 5, 6].map((i) => [i, 1] as [number, number]));
    const r = stableCommunityIds(labels([1, 1, 1, 1, 0, 0, 0]), previous, [0, 1, 2]);
    expect(Array.from(r.idOfCommunity)).toEqual([3, 1]);
    expect(r.kept).toBe(1);
  });

  it('equal overlaps: the smaller new label wins; each old id is granted once', () => {
    const previous = new Map([[0, 9], [1, 9], [2, 9], [3, 9]]);
    const r = stableCommunityIds(labels([0, 0, 1, 1]), previous, [9]);
    expect(Array.from(r.idOfCommunity)).toEqual([9, 10]);
  });

  it('merged communities: the id of the majority side survives', () => {
    const previous = new Map([[0, 2], [1, 2], [2, 2], [3, 8]]);
    const r = stableCommunityIds(labels([0, 0, 0, 0]), previous, [2, 8]);
    expect(Array.from(r.idOfCommunity)).toEqual([2]);
  });

  it('fresh ids start above the largest id ever used, even of vanished communities', () => {
    const r = stableCommunityIds(labels([0, 1]), new Map([[0, 4]]), [4, 40]);
    expect(Array.from(r.idOfCommunity)).toEqual([4, 41]);
    expect(r.maxUsedId).toBe(41);
    // Previous labels count as used even if the caller forgot them in usedIds.
    const s = stableCommunityIds(labels([0]), new Map([[5, 70]]), []);
    expect(Array.from(s.idOfCommunity)).toEqual([71]);
  });

  it('is pure and validates its input', () => {
    const previous = new Map([[0, 1]]);
    const input = labels([0, 0]);
    stableCommunityIds(input, previous, [1]);
    expect(Array.from(input)).toEqual([0, 0]);
    expect(previous.get(0)).toBe(1);
    expect(() => stableCommunityIds(labels([0]), new Map([[0, -2]]), [])).toThrow(InvalidArgumentError);
    expect(() => stableCommunityIds(labels([0]), new Map(), [1.5])).toThrow(InvalidArgumentError);
    const empty = stableCommunityIds(labels([]), new Map(), []);
    expect(empty.ids.length).toBe(0);
    expect(empty.maxUsedId).toBe(-1);
  });
});
