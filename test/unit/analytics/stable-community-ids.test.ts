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

  it('needs a strict majority of the previous members: exactly half is not enough', () => {
    // Old 5 = {0,1,2,3}; new {0,1} and {2,3}: half each, so neither keeps 5.
    const r = stableCommunityIds(labels([0, 0, 1, 1]), new Map([[0, 5], [1, 5], [2, 5], [3, 5]]), [5]);
    expect(Array.from(r.idOfCommunity)).toEqual([6, 7]);
    expect(r.kept).toBe(0);
    // Old 5 = {0,1,2}; two of three stay together.
    const s = stableCommunityIds(labels([0, 0, 1]), new Map([[0, 5], [1, 5], [2, 5]]), [5]);
    expect(Array.from(s.idOfCommunity)).toEqual([5, 6]);
  });

  it('newcomers do not count against a community: 10 stay, 15 join, the id is kept', () => {
    // Old community 7 = nodes 0..9; all stay together and 15 new customers (10..24) join them.
    const previous = new Map(Array.from({ length: 10 }, (_, i) => [i, 7] as [number, number]));
    const r = stableCommunityIds(labels(new Array<number>(25).fill(0)), previous, [7]);
    expect(Array.from(r.idOfCommunity)).toEqual([7]);
    expect(Array.from(r.ids)).toEqual(new Array<number>(25).fill(7));
    expect(r.kept).toBe(1);
    expect(r.created).toBe(0);
    // Also when the newcomers outnumber the old members by far, and under another label.
    const big = labels([...new Array<number>(3).fill(1), ...new Array<number>(200).fill(1), 0]);
    const s = stableCommunityIds(big, new Map([[0, 7], [1, 7], [2, 7], [203, 4]]), [4, 7]);
    expect(Array.from(s.idOfCommunity)).toEqual([4, 7]);
  });

  it('counts only the previous members: two old members with three newcomers keep their id', () => {
    const r = stableCommunityIds(labels([0, 0, 0, 0, 0]), new Map([[0, 3], [1, 3]]), [3]);
    expect(r.idOfCommunity[0]).toBe(3);
  });

  it('a split community: the part with most of the old members keeps the id', () => {
    // Old community 1 = nodes 0..6. New: {0,1,2,3} and {4,5,6}; 4 of 7 stay together.
    const previous = new Map([0, 1, 2, 3, 4, 5, 6].map((i) => [i, 1] as [number, number]));
    const r = stableCommunityIds(labels([1, 1, 1, 1, 0, 0, 0]), previous, [0, 1, 2]);
    expect(Array.from(r.idOfCommunity)).toEqual([3, 1]);
    expect(r.kept).toBe(1);
  });

  it('a community leaving by less than half of its members keeps its id', () => {
    // Old 9 = {0..4}; 0,1,2 stay, 3 and 4 go to another community.
    const previous = new Map([0, 1, 2, 3, 4].map((i) => [i, 9] as [number, number]));
    const r = stableCommunityIds(labels([0, 0, 0, 1, 1]), previous, [9]);
    expect(Array.from(r.idOfCommunity)).toEqual([9, 10]);
  });

  it('merged communities: the larger overlap keeps its id, ties by the smaller id', () => {
    const previous = new Map([[0, 2], [1, 2], [2, 2], [3, 8]]);
    const r = stableCommunityIds(labels([0, 0, 0, 0]), previous, [2, 8]);
    expect(Array.from(r.idOfCommunity)).toEqual([2]);
    const s = stableCommunityIds(labels([0, 0, 0, 0]), new Map([[0, 8], [1, 8], [2, 5], [3, 5]]), [5, 8]);
    expect(Array.from(s.idOfCommunity)).toEqual([5]);
    expect(s.kept).toBe(1);
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
