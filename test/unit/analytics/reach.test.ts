import { describe, expect, it } from 'vitest';
import { buildCsr, createRng, fromEdgeList, reach } from '../../../src/analytics/index.js';

/** Plain reference: BFS to depth 2 with a Set, per node. */
function reference(n: number, inAdj: number[][]): { r1: number[]; r2: number[] } {
  const r1: number[] = [];
  const r2: number[] = [];
  for (let v = 0; v < n; v++) {
    const one = new Set(inAdj[v].filter((u) => u !== v));
    const two = new Set(one);
    for (const u of inAdj[v]) for (const w of inAdj[u]) if (w !== v) two.add(w);
    r1.push(one.size);
    r2.push(two.size);
  }
  return { r1, r2 };
}

describe('reach', () => {
  it('counts each person once within 1 and 2 hops along in-arcs', () => {
    // a follows c, b follows c, d follows a and b (d reaches c's audience at 2 hops once).
    const { graph, index } = fromEdgeList(['a', 'b', 'c', 'd'], [['a', 'c'], ['b', 'c'], ['d', 'a'], ['d', 'b']], { directed: true });
    const r = reach(graph);
    const c = index.get('c')!;
    expect(r.reach1[c]).toBe(2);
    expect(r.reach2[c]).toBe(3);
    expect(r.reach1[index.get('d')!]).toBe(0);
    const out = reach(graph, 'out');
    expect(out.reach2[index.get('d')!]).toBe(3);
  });

  it('agrees with a set-based BFS on a seeded random graph, self-loops and parallel arcs included', () => {
    const rng = createRng(5);
    const n = 300;
    const src: number[] = [];
    const dst: number[] = [];
    for (let i = 0; i < 2500; i++) {
      src.push(Math.floor(rng.next() * n));
      dst.push(Math.floor(rng.next() * n));
    }
    const g = buildCsr(n, Int32Array.from(src), Int32Array.from(dst));
    const inAdj: number[][] = Array.from({ length: n }, () => []);
    src.forEach((u, i) => inAdj[dst[i]].push(u));
    const expected = reference(n, inAdj);
    const r = reach(g);
    expect(Array.from(r.reach1)).toEqual(expected.r1);
    expect(Array.from(r.reach2)).toEqual(expected.r2);
  });

  it('handles the empty graph', () => {
    const r = reach(buildCsr(0, new Int32Array(0), new Int32Array(0)));
    expect(r.reach1.length).toBe(0);
  });
});
