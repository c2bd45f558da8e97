import { describe, expect, it } from 'vitest';
import {
  bfsTree,
  buildCsr,
  createRng,
  fromEdgeList,
  InvalidArgumentError,
  kBestPaths,
  type CsrGraph,
  type Path,
  type PathDirection,
  type PathMode,
} from '../../../src/analytics/index.js';

// ---------------------------------------------------------------------------------------------
// Plain references, written independently of src/analytics/paths.ts.

const strengthOf = (w: number): number => 1 - Math.exp(-w);
const costOf = (w: number): number => -Math.log(1 - Math.exp(-w));

/** Weight of the arc a → b (0 when absent), by scanning the row. */
function arcWeight(g: CsrGraph, a: number, b: number): number {
  for (let p = g.outOffsets[a]; p < g.outOffsets[a + 1]; p++) {
    if (g.outTargets[p] === b) return g.outWeights ? g.outWeights[p] : 1;
  }
  return 0;
}

/** Weight usable for a step a → b in a direction (the stronger arc for 'both'). */
function stepWeight(g: CsrGraph, a: number, b: number, direction: PathDirection): number {
  if (direction === 'out') return arcWeight(g, a, b);
  if (direction === 'in') return arcWeight(g, b, a);
  return Math.max(arcWeight(g, a, b), arcWeight(g, b, a));
}

interface RefPath {
  nodes: number[];
  hops: number;
  cost: number;
}

/** Every simple path from s to t with at most maxHops arcs, by exhaustive DFS. */
function allSimplePaths(g: CsrGraph, s: number, t: number, maxHops: number, direction: PathDirection): RefPath[] {
  const out: RefPath[] = [];
  const onPath = new Array<boolean>(g.n).fill(false);
  const walk = (u: number, nodes: number[], cost: number): void => {
    if (u === t) {
      out.push({ nodes: nodes.slice(), hops: nodes.length - 1, cost });
      return;
    }
    if (nodes.length - 1 === maxHops) return;
    for (let v = 0; v < g.n; v++) {
      if (onPath[v]) continue;
      const w = stepWeight(g, u, v, direction);
      if (!(w > 0)) continue;
      onPath[v] = true;
      nodes.push(v);
      walk(v, nodes, cost + costOf(w));
      nodes.pop();
      onPath[v] = false;
    }
  };
  onPath[s] = true;
  walk(s, [s], 0);
  return out;
}

function sortByMode(paths: RefPath[], mode: PathMode): RefPath[] {
  return paths.sort((a, b) => (mode === 'shortest' ? a.hops - b.hops || a.cost - b.cost : a.cost - b.cost || a.hops - b.hops));
}

/** Hop distances from s by a textbook queue BFS over out-arcs. */
function plainBfs(g: CsrGraph, s: number): number[] {
  const dist = new Array<number>(g.n).fill(-1);
  dist[s] = 0;
  const queue = [s];
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i];
    for (let p = g.outOffsets[u]; p < g.outOffsets[u + 1]; p++) {
      const v = g.outTargets[p];
      if (dist[v] === -1) {
        dist[v] = dist[u] + 1;
        queue.push(v);
      }
    }
  }
  return dist;
}

/** A path is valid: starts and ends right, consecutive steps exist, simple, within maxHops. */
function expectValid(g: CsrGraph, path: Path, s: number, t: number, maxHops: number, direction: PathDirection): void {
  expect(path.nodes[0]).toBe(s);
  expect(path.nodes[path.nodes.length - 1]).toBe(t);
  expect(path.hops).toBe(path.nodes.length - 1);
  expect(path.hops).toBeLessThanOrEqual(maxHops);
  expect(new Set(path.nodes).size).toBe(path.nodes.length);
  let cost = 0;
  let strength = 1;
  for (let i = 0; i + 1 < path.nodes.length; i++) {
    const w = stepWeight(g, path.nodes[i], path.nodes[i + 1], direction);
    expect(w).toBeGreaterThan(0);
    cost += costOf(w);
    strength *= strengthOf(w);
  }
  expect(path.cost).toBeCloseTo(cost, 9);
  expect(path.strength).toBeCloseTo(strength, 12);
}

function randomGraph(seed: number, n: number, m: number, weighted: boolean): CsrGraph {
  const rng = createRng(seed);
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  const w = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    src[i] = rng.nextInt(n);
    dst[i] = rng.nextInt(n);
    // ~5 % zero-weight arcs (ignored by paths), the rest 0.1..3 like customer ties.
    w[i] = rng.next() < 0.05 ? 0 : 0.1 + 2.9 * rng.next();
  }
  return buildCsr(n, src, dst, weighted ? w : null);
}

// ---------------------------------------------------------------------------------------------
// Hand-built graphs

// a → d is weak; a → c → d strong; a → b → d medium. Arc u → v: u pays attention to v.
const diamond = fromEdgeList(
  ['a', 'b', 'c', 'd'],
  [
    ['a', 'b', 1],
    ['b', 'd', 1],
    ['a', 'c', 3],
    ['c', 'd', 3],
    ['a', 'd', 0.1],
  ],
  { directed: true },
);
const D = (id: string): number => diamond.index.get(id) as number;
const names = (p: Path): string => p.nodes.map((i) => diamond.nodes[i]).join('');

describe('kBestPaths on hand-built graphs', () => {
  const g = diamond.graph;

  it('shortest: fewest hops first, then strongest', () => {
    const paths = kBestPaths(g, D('a'), D('d'), { k: 3, mode: 'shortest' });
    expect(paths.map(names)).toEqual(['ad', 'acd', 'abd']);
    expect(kBestPaths(g, D('a'), D('d')).map(names)).toEqual(['ad']);
  });

  it('strongest: largest product of 1 − e^(−w)', () => {
    const paths = kBestPaths(g, D('a'), D('d'), { k: 5, mode: 'strongest' });
    expect(paths.map(names)).toEqual(['acd', 'abd', 'ad']);
    expect(paths[0].strength).toBeCloseTo((1 - Math.exp(-3)) ** 2, 12);
    expect(paths[0].cost).toBeCloseTo(-2 * Math.log(1 - Math.exp(-3)), 12);
    expect(paths[2].strength).toBeCloseTo(1 - Math.exp(-0.1), 12);
  });

  it('respects maxHops', () => {
    expect(kBestPaths(g, D('a'), D('d'), { k: 3, maxHops: 1, mode: 'strongest' }).map(names)).toEqual(['ad']);
    expect(kBestPaths(g, D('a'), D('d'), { k: 3, maxHops: 0 })).toEqual([]);
  });

  it('follows the direction asked for', () => {
    // d is listened to by b, c and a: its voice reaches them along in-arcs.
    expect(kBestPaths(g, D('d'), D('a'), { direction: 'out' })).toEqual([]);
    expect(kBestPaths(g, D('d'), D('a'), { k: 3, direction: 'in', mode: 'strongest' }).map(names)).toEqual(['dca', 'dba', 'da']);
    expect(kBestPaths(g, D('d'), D('a'), { k: 3, direction: 'both' }).map(names)).toEqual(['da', 'dca', 'dba']);
    // b → c only through d or a when arcs may be used backwards.
    expect(kBestPaths(g, D('b'), D('c'), { direction: 'out' })).toEqual([]);
    expect(kBestPaths(g, D('b'), D('c'), { k: 2, direction: 'both', mode: 'strongest' }).map(names)).toEqual(['bdc', 'bac']);
  });

  it('source === target is one path of 0 hops', () => {
    expect(kBestPaths(g, D('b'), D('b'), { k: 4 })).toEqual([{ nodes: [D('b')], hops: 0, cost: 0, strength: 1 }]);
  });

  it('works on undirected graphs and unweighted arcs', () => {
    const u = fromEdgeList([0, 1, 2, 3], [[0, 1], [1, 2], [2, 3], [0, 3]], { directed: false });
    const p = kBestPaths(u.graph, 0, 2, { k: 5 });
    expect(p.map((x) => x.nodes)).toEqual([[0, 1, 2], [0, 3, 2]]);
    expect(p[0].strength).toBeCloseTo((1 - Math.exp(-1)) ** 2, 12);
    expect(kBestPaths(u.graph, 2, 0, { direction: 'in' })[0].hops).toBe(2);
  });

  it('ignores zero-weight arcs and self-loops', () => {
    const z = fromEdgeList([0, 1, 2], [[0, 0, 1], [0, 1, 0], [0, 2, 1], [2, 1, 1]], { directed: true });
    expect(kBestPaths(z.graph, 0, 1, { k: 3 }).map((x) => x.nodes)).toEqual([[0, 2, 1]]);
    expect(bfsTree(z.graph, 0).dist[1]).toBe(2);
  });

  it('rejects bad arguments', () => {
    expect(() => kBestPaths(g, -1, 0)).toThrow(InvalidArgumentError);
    expect(() => kBestPaths(g, 0, 4)).toThrow(InvalidArgumentError);
    expect(() => kBestPaths(g, 0, 1, { k: 0 })).toThrow(InvalidArgumentError);
    expect(() => kBestPaths(g, 0, 1, { maxHops: -1 })).toThrow(InvalidArgumentError);
    expect(() => kBestPaths(g, 0, 1, { maxHops: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => kBestPaths(g, 0, 1, { direction: 'up' as PathDirection })).toThrow(InvalidArgumentError);
    expect(() => kBestPaths(g, 0, 1, { mode: 'fast' as PathMode })).toThrow(InvalidArgumentError);
  });
});

describe('bfsTree', () => {
  // 0 → 1 → 2 → 3, 4 → 0: arcs point at whom one pays attention to.
  const chain = fromEdgeList([0, 1, 2, 3, 4], [[0, 1], [1, 2], [2, 3], [4, 0]], { directed: true }).graph;

  it('out, in and both, with parents and BFS order', () => {
    const out = bfsTree(chain, 0, { direction: 'out' });
    expect(Array.from(out.dist)).toEqual([0, 1, 2, 3, -1]);
    expect(Array.from(out.parent)).toEqual([-1, 0, 1, 2, -1]);
    expect(Array.from(out.order)).toEqual([0, 1, 2, 3]);
    // Whose attention does 2's voice reach? Those who (transitively) pay attention to 2.
    const reach = bfsTree(chain, 2, { direction: 'in' });
    expect(Array.from(reach.dist)).toEqual([2, 1, 0, -1, 3]);
    expect(Array.from(reach.order)).toEqual([2, 1, 0, 4]);
    const both = bfsTree(chain, 2, { direction: 'both' });
    expect(Array.from(both.dist)).toEqual([2, 1, 0, 1, 3]);
  });

  it('stops at maxHops', () => {
    const t = bfsTree(chain, 4, { maxHops: 2 });
    expect(Array.from(t.dist)).toEqual([1, 2, -1, -1, 0]);
    expect(Array.from(t.order)).toEqual([4, 0, 1]);
    expect(Array.from(bfsTree(chain, 4, { maxHops: 0 }).order)).toEqual([4]);
  });

  it('matches a plain BFS on a seeded graph', () => {
    const g = randomGraph(5, 500, 1500, false);
    for (const s of [0, 17, 333]) expect(Array.from(bfsTree(g, s).dist)).toEqual(plainBfs(g, s));
  });

  it('rejects bad arguments', () => {
    expect(() => bfsTree(chain, 5)).toThrow(InvalidArgumentError);
    expect(() => bfsTree(chain, 0, { maxHops: -2 })).toThrow(InvalidArgumentError);
  });
});

// ---------------------------------------------------------------------------------------------
// Random graphs against the exhaustive reference

describe('kBestPaths against exhaustive enumeration (seeded random graphs, ≤ 12 nodes)', () => {
  const directions: PathDirection[] = ['out', 'in', 'both'];
  const modes: PathMode[] = ['shortest', 'strongest'];

  it('the k best keys equal the reference k best keys; every path is valid', () => {
    const rng = createRng(2024);
    let compared = 0;
    let nonEmpty = 0;
    for (let trial = 0; trial < 600; trial++) {
      const n = 2 + rng.nextInt(11);
      const m = n + rng.nextInt(n * 4);
      const g = randomGraph(1000 + trial, n, m, trial % 5 !== 0);
      const s = rng.nextInt(n);
      const t = rng.nextInt(n);
      const k = 1 + rng.nextInt(7);
      const maxHops = 1 + rng.nextInt(6);
      const direction = directions[trial % 3];
      const mode = modes[(trial >> 1) % 2];
      const got = kBestPaths(g, s, t, { k, maxHops, mode, direction });
      const ref = s === t ? [{ nodes: [s], hops: 0, cost: 0 }] : sortByMode(allSimplePaths(g, s, t, maxHops, direction), mode);
      const want = ref.slice(0, k);
      expect(got.length, `trial ${trial}`).toBe(want.length);
      for (let i = 0; i < want.length; i++) {
        expectValid(g, got[i], s, t, maxHops, direction);
        if (mode === 'shortest') expect(got[i].hops, `trial ${trial} path ${i}`).toBe(want[i].hops);
        expect(got[i].cost, `trial ${trial} path ${i}`).toBeCloseTo(want[i].cost, 9);
      }
      expect(new Set(got.map((p) => p.nodes.join(','))).size).toBe(got.length);
      compared += want.length;
      if (want.length > 0) nonEmpty++;
    }
    // The seeds must exercise the code, not only the empty case.
    expect(nonEmpty).toBeGreaterThan(300);
    expect(compared).toBeGreaterThan(700);
  });
});

describe('bidirectional BFS (k = 1, shortest)', () => {
  it('hop distance equals plain BFS on 200 random pairs of a 2000-node seeded graph', () => {
    const g = randomGraph(77, 2000, 5000, true);
    const rng = createRng(78);
    let reachable = 0;
    for (let i = 0; i < 200; i++) {
      const s = rng.nextInt(g.n);
      const t = rng.nextInt(g.n);
      const want = plainBfs(g, s)[t];
      const got = kBestPaths(g, s, t, { maxHops: Infinity });
      if (want === -1) {
        // plainBfs counts zero-weight arcs; the kernel does not, so it may find nothing or longer.
        if (got.length > 0) expect(got[0].hops).toBeGreaterThan(0);
        continue;
      }
      const gNoZero = bfsTree(g, s).dist[t];
      if (gNoZero === -1) {
        expect(got).toEqual([]);
        continue;
      }
      reachable++;
      expect(got[0].hops).toBe(gNoZero);
      expectValid(g, got[0], s, t, g.n, 'out');
      // The strongest of the shortest paths: same cost as the first path of the Yen search.
      const viaYen = kBestPaths(g, s, t, { k: 2, maxHops: gNoZero });
      expect(viaYen[0].hops).toBe(gNoZero);
      expect(got[0].cost).toBeCloseTo(viaYen[0].cost, 9);
    }
    expect(reachable).toBeGreaterThan(100);
  });

  it('hop distance equals plain BFS on an unweighted graph (every arc counts)', () => {
    const g = randomGraph(91, 2000, 6000, false);
    const rng = createRng(92);
    for (let i = 0; i < 200; i++) {
      const s = rng.nextInt(g.n);
      const t = rng.nextInt(g.n);
      const want = plainBfs(g, s)[t];
      const got = kBestPaths(g, s, t, { maxHops: Infinity });
      if (want === -1) expect(got).toEqual([]);
      else expect(got[0].hops).toBe(want);
      const limited = kBestPaths(g, s, t, { maxHops: 3 });
      if (want === -1 || want > 3) expect(limited).toEqual([]);
      else expect(limited[0].hops).toBe(want);
    }
  });
});

describe('kBestPaths at scale', () => {
  it('100k nodes / 1M arcs: k = 3, maxHops = 4 returns valid paths', () => {
    const g = randomGraph(100, 100_000, 1_000_000, true);
    const rng = createRng(101);
    let found = 0;
    for (let i = 0; i < 3; i++) {
      const s = rng.nextInt(g.n);
      // One target 4 hops away (the far edge of the BFS ball), one anywhere.
      const ball = bfsTree(g, s, { maxHops: 4 }).order;
      for (const t of [ball[ball.length - 1 - i], rng.nextInt(g.n)]) {
        for (const mode of ['shortest', 'strongest'] as const) {
          const paths = kBestPaths(g, s, t, { k: 3, maxHops: 4, mode, direction: 'out' });
          expect(paths.length).toBeLessThanOrEqual(3);
          for (const p of paths) expectValid(g, p, s, t, 4, 'out');
          found += paths.length;
        }
      }
    }
    expect(found).toBeGreaterThanOrEqual(6); // every far-edge target has a path
  }, 120_000);
});
