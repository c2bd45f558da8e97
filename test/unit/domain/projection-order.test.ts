/**
 * The projection's canonical order: the same arcs, interaction sums and posts whatever order the
 * rows come in (the procedures' scan gives them in relationship id order, the Cypher reading
 * customer by customer).
 */
import { describe, expect, it } from 'vitest';
import { compareNumbers, InteractionRows, placeBySource, PostRows } from '../../../src/domain/projection-order.js';

/** A deterministic shuffle (a seeded linear congruential generator). */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('projection order', () => {
  it('orders numbers with NaN last', () => {
    expect([3, NaN, -1, 2, NaN, 0].sort(compareNumbers)).toEqual([-1, 0, 2, 3, NaN, NaN]);
  });

  it('places arcs by source, then target, then weight, whatever their order', () => {
    const arcs: [number, number, number][] = [];
    for (let k = 0; k < 400; k++) arcs.push([k % 7, (k * 13) % 11, 1 + (k % 3)]);
    for (let k = 0; k < 40; k++) arcs.push([5, k, 2]); // a run longer than the insertion sort's
    const place = (order: [number, number, number][]) => {
      const from = { src: Int32Array.from(order, (a) => a[0]), dst: Int32Array.from(order, (a) => a[1]), w: Float64Array.from(order, (a) => a[2]) };
      const to = { src: new Int32Array(order.length + 2), dst: new Int32Array(order.length + 2), w: new Float64Array(order.length + 2) };
      placeBySource(from, order.length, to, 2, 40);
      return to;
    };
    const placed = place(arcs);
    const expected = [...arcs].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    expect(Array.from(placed.src.subarray(2))).toEqual(expected.map((a) => a[0]));
    expect(Array.from(placed.dst.subarray(2))).toEqual(expected.map((a) => a[1]));
    expect(Array.from(placed.w.subarray(2))).toEqual(expected.map((a) => a[2]));
    expect(place(shuffled(arcs, 3))).toEqual(placed);
  });

  it('sums interactions per pair in one order, pairs by source then target', () => {
    const rows: [number, number, number, number, number][] = [];
    for (let k = 0; k < 300; k++) rows.push([k % 5, (k * 3) % 7, 0.1 * (k % 13) + 1e-9 * k, 1 + (k % 4), k % 6 === 0 ? NaN : (k % 5) - 2]);
    const sums = (order: typeof rows) => {
      const collected = new InteractionRows();
      for (const r of order) collected.push(...r);
      const out: number[][] = [];
      collected.aggregate(5, (...pair) => out.push(pair));
      return out;
    };
    const summed = sums(rows);
    expect(sums(shuffled(rows, 11))).toEqual(summed);
    expect(summed.map(([u, v]) => [u, v])).toEqual([...summed.map(([u, v]) => [u, v])].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    const [u, v] = summed[0];
    const mine = rows.filter((r) => r[0] === u && r[1] === v);
    expect(summed[0][3]).toBe(mine.reduce((s, r) => s + r[3], 0));
    expect(summed[0][2]).toBeCloseTo(mine.reduce((s, r) => s + r[2], 0), 12);
    expect(summed[0][4]).toBeCloseTo(mine.reduce((s, r) => s + (r[4] > 0 ? r[2] * r[4] : 0), 0), 12);
    expect(summed[0][5]).toBeCloseTo(mine.reduce((s, r) => s + (r[4] < 0 ? -r[2] * r[4] : 0), 0), 12);
  });

  it('gives each author distinct posts, engagements received and sorted topics', () => {
    const posts = new PostRows();
    const t = (name: string) => posts.topicOf(name);
    posts.push(2, 10, 3, [t('shoes'), t('autumn')]);
    posts.push(0, 11, 1, [-1]);
    posts.push(2, 10, 0, [t('autumn')]); // the same content again: counted once
    posts.push(2, 12, 4, [5, 0, 1], 1, 3, [-1, t('autumn'), -1]); // words 0 and 1: none, autumn
    const seen: unknown[] = [];
    posts.byAuthor(3, (...author) => seen.push(author));
    expect(seen).toEqual([
      [0, 1, 1, []],
      [2, 2, 7, ['autumn', 'shoes']],
    ]);
  });
});
