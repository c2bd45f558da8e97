import { describe, expect, it } from 'vitest';
import {
  buildCsr,
  ConvergenceError,
  createRng,
  fromEdgeList,
  InvalidArgumentError,
  pagerank,
  randomPermutation,
  signedPagerank,
  type CsrGraph,
  type EdgeTuple,
} from '../../../src/analytics/index.js';
import { referenceGraph } from './reference.js';

const none = (n: number): CsrGraph => buildCsr(n, new Int32Array(0), new Int32Array(0));

/** Positive and negative graphs on the same labelled nodes. */
function signed(nodes: string[], pos: EdgeTuple[], neg: EdgeTuple[]) {
  const p = fromEdgeList(nodes, pos, { directed: true });
  const q = fromEdgeList(nodes, neg, { directed: true });
  return { pos: p.graph, neg: q.graph, at: (id: string) => p.index.get(id) as number };
}

function randomSigned(seed: number, n: number, mPos: number, mNeg: number): { pos: CsrGraph; neg: CsrGraph } {
  const rng = createRng(seed);
  const make = (m: number): CsrGraph => {
    const src = new Int32Array(m);
    const dst = new Int32Array(m);
    const w = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      src[i] = rng.nextInt(n);
      dst[i] = rng.nextInt(n);
      w[i] = 0.1 + 2.9 * rng.next();
    }
    return buildCsr(n, src, dst, w);
  };
  return { pos: make(mPos), neg: make(mNeg) };
}

describe('signedPagerank on hand-built graphs', () => {
  // A, B, C follow one another (a trusted core); A also endorses P; all three distrust X;
  // Y is endorsed and distrusted by nobody.
  const g = signed(
    ['A', 'B', 'C', 'P', 'X', 'Y'],
    [['A', 'B'], ['B', 'C'], ['C', 'A'], ['A', 'P']],
    [['A', 'X'], ['B', 'X'], ['C', 'X']],
  );

  it('an only positively endorsed node has net > 0; a node distrusted by trusted nodes net < 0', () => {
    const r = signedPagerank(g.pos, g.neg);
    expect(r.converged).toBe(true);
    expect(r.net[g.at('P')]).toBeGreaterThan(0);
    expect(r.distrust[g.at('P')]).toBe(0);
    expect(r.net[g.at('X')]).toBeLessThan(0);
    expect(r.net[g.at('X')]).toBeLessThan(r.net[g.at('Y')]);
    expect(r.trust[g.at('X')]).toBeLessThan(r.trust[g.at('Y')]);
    expect(r.net[g.at('Y')]).toBeGreaterThan(0);
    expect(r.trust.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (const x of r.net) expect(Math.abs(x)).toBeLessThanOrEqual(1);
  });

  it('distrust from a trusted node costs more than distrust from an obscure one', () => {
    // H is followed by everyone in the core; L by no one. H distrusts U, L distrusts V.
    const h = signed(
      ['A', 'B', 'C', 'H', 'L', 'U', 'V'],
      [['A', 'H'], ['B', 'H'], ['C', 'H'], ['H', 'A'], ['A', 'U'], ['A', 'V']],
      [['H', 'U'], ['L', 'V']],
    );
    const r = signedPagerank(h.pos, h.neg);
    expect(r.trust[h.at('H')]).toBeGreaterThan(r.trust[h.at('L')]);
    expect(r.net[h.at('U')]).toBeLessThan(r.net[h.at('V')]);
    expect(r.trust[h.at('U')]).toBeLessThan(r.trust[h.at('V')]);
  });

  it('a larger beta repels the walker more from distrusted nodes', () => {
    const x = g.at('X');
    const t0 = signedPagerank(g.pos, g.neg, { beta: 0 }).trust[x];
    const t1 = signedPagerank(g.pos, g.neg, { beta: 1 }).trust[x];
    const t2 = signedPagerank(g.pos, g.neg, { beta: 2 }).trust[x];
    expect(t1).toBeLessThan(t0);
    expect(t2).toBeLessThan(t1);
  });

  it('converges on an odd cycle of distrust', () => {
    const c = signed(
      ['A', 'B', 'C', 'D'],
      [['A', 'D'], ['B', 'D'], ['C', 'D'], ['D', 'A'], ['D', 'B'], ['D', 'C']],
      [['A', 'B', 3], ['B', 'C', 3], ['C', 'A', 3]],
    );
    const r = signedPagerank(c.pos, c.neg, { tol: 1e-12 });
    expect(r.converged).toBe(true);
    // Symmetric roles: A, B and C end with the same scores.
    expect(r.trust[c.at('B')]).toBeCloseTo(r.trust[c.at('A')], 10);
    expect(r.trust[c.at('C')]).toBeCloseTo(r.trust[c.at('A')], 10);
    expect(r.net[c.at('A')]).toBeLessThan(r.net[c.at('D')]);
  });
});

describe('signedPagerank without negative arcs is PageRank', () => {
  it('directed-random-60 (has dangling nodes): trust = pagerank(positive) to 1e-9', () => {
    const { g } = referenceGraph('directed-random-60');
    const r = signedPagerank(g.graph, none(g.graph.n), { tol: 1e-13 });
    const pr = pagerank(g.graph, { tol: 1e-13, stopping: 'strict', maxIter: 1000 });
    expect(r.converged).toBe(true);
    for (let v = 0; v < g.graph.n; v++) {
      expect(Math.abs(r.trust[v] - pr.scores[v])).toBeLessThan(1e-9);
      expect(r.distrust[v]).toBe(0);
      expect(r.net[v]).toBe(r.trust[v]);
    }
  });

  it('seeded weighted graph: trust = pagerank(positive) to 1e-9, also at alpha 0.5', () => {
    const { pos } = randomSigned(3, 300, 1200, 0);
    for (const alpha of [0.85, 0.5]) {
      const r = signedPagerank(pos, none(300), { alpha, tol: 1e-13 });
      const pr = pagerank(pos, { alpha, tol: 1e-13, stopping: 'strict', maxIter: 1000 });
      for (let v = 0; v < 300; v++) expect(Math.abs(r.trust[v] - pr.scores[v])).toBeLessThan(1e-9);
    }
  });
});

describe('signedPagerank properties', () => {
  it('is invariant under node relabelling', () => {
    const n = 200;
    const { pos, neg } = randomSigned(11, n, 900, 150);
    const perm = randomPermutation(n, createRng(12)); // old v → new perm[v]
    const relabel = (h: CsrGraph): CsrGraph => {
      const src = new Int32Array(h.m);
      const dst = new Int32Array(h.m);
      const w = new Float64Array(h.m);
      for (let u = 0, k = 0; u < n; u++) {
        for (let p = h.outOffsets[u]; p < h.outOffsets[u + 1]; p++, k++) {
          src[k] = perm[u];
          dst[k] = perm[h.outTargets[p]];
          w[k] = h.outWeights ? h.outWeights[p] : 1;
        }
      }
      return buildCsr(n, src, dst, w);
    };
    const a = signedPagerank(pos, neg, { tol: 1e-13 });
    const b = signedPagerank(relabel(pos), relabel(neg), { tol: 1e-13 });
    expect(a.converged && b.converged).toBe(true);
    let distrusted = 0;
    for (let v = 0; v < n; v++) {
      expect(b.trust[perm[v]]).toBeCloseTo(a.trust[v], 11);
      expect(b.distrust[perm[v]]).toBeCloseTo(a.distrust[v], 11);
      expect(b.net[perm[v]]).toBeCloseTo(a.net[v], 11);
      if (a.distrust[v] > 0) distrusted++;
    }
    expect(distrusted).toBeGreaterThan(50);
  });

  it('is deterministic', () => {
    const { pos, neg } = randomSigned(21, 500, 3000, 500);
    const a = signedPagerank(pos, neg);
    const b = signedPagerank(pos, neg);
    expect(Array.from(b.trust)).toEqual(Array.from(a.trust));
    expect(b.iterations).toBe(a.iterations);
  });

  it('empty graph: empty arrays, converged', () => {
    const r = signedPagerank(none(0), none(0));
    expect(r.trust.length + r.distrust.length + r.net.length).toBe(0);
    expect(r.converged).toBe(true);
    expect(r.iterations).toBe(0);
  });

  it('single node with a self-distrust loop stays a distribution', () => {
    const r = signedPagerank(none(1), fromEdgeList([0], [[0, 0]], { directed: true }).graph);
    expect(r.trust[0]).toBeCloseTo(1, 12);
    expect(r.distrust[0]).toBeCloseTo(0.85, 12);
  });

  it('throws ConvergenceError after maxIter, or returns flagged', () => {
    const { pos, neg } = randomSigned(5, 100, 400, 100);
    expect(() => signedPagerank(pos, neg, { maxIter: 2 })).toThrow(ConvergenceError);
    const r = signedPagerank(pos, neg, { maxIter: 2, onNonConvergence: 'return' });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(2);
    expect(r.trust.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
  });

  it('rejects bad arguments', () => {
    expect(() => signedPagerank(none(3), none(4))).toThrow(InvalidArgumentError);
    expect(() => signedPagerank(none(3), none(3), { alpha: 1 })).toThrow(InvalidArgumentError);
    expect(() => signedPagerank(none(3), none(3), { beta: -1 })).toThrow(InvalidArgumentError);
    expect(() => signedPagerank(none(3), none(3), { tol: 0 })).toThrow(InvalidArgumentError);
  });
});
