import { describe, expect, it } from 'vitest';
import {
  buildCsr,
  clustering,
  EmptyGraphError,
  fromEdgeList,
  kcore,
  NotDirectedError,
  reciprocity,
  stronglyConnectedComponents,
  weaklyConnectedComponents,
} from '../../../src/analytics/index.js';
import { expectMatchesReference, nodeMap, referenceGraph, scalar } from './reference.js';

// Reference values: NetworkX 3.6 triangles, clustering, average_clustering, transitivity,
// overall_reciprocity and component counts. Tolerance 1e-6 absolute (triangle counts exact).
const TOL = 1e-6;

describe('clustering vs NetworkX', () => {
  it.each(['karate-club', 'les-miserables'] as const)('%s', (name) => {
    const { ref, g } = referenceGraph(name);
    const r = clustering(g.graph);
    expectMatchesReference(r.triangles, g, nodeMap(ref, 'triangles'), 0);
    expectMatchesReference(r.local, g, nodeMap(ref, 'clustering'), TOL);
    expect(Math.abs(r.average - scalar(ref, 'average_clustering'))).toBeLessThan(TOL);
    expect(Math.abs(r.transitivity - scalar(ref, 'transitivity'))).toBeLessThan(TOL);
    expect(r.totalTriangles * 3).toBe(r.triangles.reduce((a, b) => a + b, 0));
  });

  it('directed input uses the undirected view (NetworkX 3.6.1 clustering(nx.Graph(G)), nodes 0..4)', () => {
    const { g } = referenceGraph('directed-random-60');
    const expected = [0.06666666666666667, 0.14285714285714285, 0.06666666666666667, 0.19444444444444445, 0.3333333333333333];
    const r = clustering(g.graph);
    expected.forEach((v, i) => expect(Math.abs(r.local[i] - v)).toBeLessThan(TOL));
  });

  it('ignores self-loops and handles small cases (hand-checked)', () => {
    // Triangle a b c plus pendant d on a, plus a loop on a.
    const { graph } = fromEdgeList(
      ['a', 'b', 'c', 'd'],
      [['a', 'b'], ['b', 'c'], ['c', 'a'], ['a', 'd'], ['a', 'a']],
      { directed: false },
    );
    const r = clustering(graph);
    expect(Array.from(r.triangles)).toEqual([1, 1, 1, 0]);
    expect(r.local[0]).toBeCloseTo(1 / 3, 12);
    expect(Array.from(r.local.subarray(1))).toEqual([1, 1, 0]);
    expect(r.average).toBeCloseTo((1 / 3 + 2) / 4, 12);
    expect(r.transitivity).toBeCloseTo(3 / 5, 12); // Σ 2T = 6 over Σ d(d−1) = 3·2 + 2 + 2 = 10
    const empty = clustering(fromEdgeList([], [], { directed: false }).graph);
    expect(empty.local.length).toBe(0);
    expect(empty.average).toBe(0);
    expect(empty.transitivity).toBe(0);
  });
});

describe('kcore', () => {
  it('karate club core numbers (NetworkX 3.6.1 core_number)', () => {
    const { g } = referenceGraph('karate-club');
    const expected = [4, 4, 4, 4, 3, 3, 3, 4, 4, 2, 3, 1, 2, 4, 2, 2, 2, 2, 2, 3, 2, 2, 2, 3, 3, 3, 2, 3, 3, 3, 4, 3, 4, 4];
    expect(Array.from(kcore(g.graph))).toEqual(expected);
  });

  it('directed input uses the undirected simple view (NetworkX core_number(nx.Graph(G)))', () => {
    const { g } = referenceGraph('directed-random-60');
    expect(Array.from(kcore(g.graph).subarray(0, 10))).toEqual([5, 5, 5, 5, 4, 4, 5, 5, 5, 5]);
  });

  it('hand-checked: a 4-clique with a tail, a self-loop, an isolated node', () => {
    const { graph } = fromEdgeList(
      [0, 1, 2, 3, 4, 5, 6],
      [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3], [3, 4], [4, 5], [5, 5]],
      { directed: false },
    );
    expect(Array.from(kcore(graph))).toEqual([3, 3, 3, 3, 1, 1, 0]);
    expect(kcore(fromEdgeList([], [], { directed: false }).graph).length).toBe(0);
  });
});

describe('components', () => {
  it('directed-random-60: weak and strong component counts', () => {
    const { ref, g } = referenceGraph('directed-random-60');
    expect(weaklyConnectedComponents(g.graph).count).toBe(scalar(ref, 'weakly_connected_components'));
    const scc = stronglyConnectedComponents(g.graph);
    expect(scc.count).toBe(scalar(ref, 'strongly_connected_components'));
    expect(scc.sizes.reduce((a, b) => a + b, 0)).toBe(60);
  });

  it('labels in order of smallest member (hand-checked)', () => {
    // 0 → 1 → 2 → 0 cycle, 2 → 3, 4 isolated, 5 → 6.
    const { graph } = fromEdgeList([0, 1, 2, 3, 4, 5, 6], [[0, 1], [1, 2], [2, 0], [2, 3], [5, 6]], { directed: true });
    const w = weaklyConnectedComponents(graph);
    expect(Array.from(w.labels)).toEqual([0, 0, 0, 0, 1, 2, 2]);
    expect(Array.from(w.sizes)).toEqual([4, 1, 2]);
    const s = stronglyConnectedComponents(graph);
    expect(Array.from(s.labels)).toEqual([0, 0, 0, 1, 2, 3, 4]);
    expect(s.count).toBe(5);
    const empty = weaklyConnectedComponents(fromEdgeList([], [], { directed: true }).graph);
    expect(empty.count).toBe(0);
  });

  it('the strong components of an undirected graph are its connected components', () => {
    const { graph } = fromEdgeList([1, 2, 3, 4], [[1, 2], [3, 4], [4, 4]], { directed: false });
    expect(Array.from(stronglyConnectedComponents(graph).labels)).toEqual([0, 0, 1, 1]);
  });

  it('does not overflow the stack on a 300k-node path and cycle', () => {
    const n = 300_000;
    const src = new Int32Array(n);
    const dst = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      src[i] = i;
      dst[i] = (i + 1) % n;
    }
    const cycle = buildCsr(n, src, dst);
    expect(stronglyConnectedComponents(cycle).count).toBe(1);
    const path = buildCsr(n, src.subarray(0, n - 1), dst.subarray(0, n - 1));
    expect(stronglyConnectedComponents(path).count).toBe(n);
    expect(weaklyConnectedComponents(path).count).toBe(1);
  });
});

describe('reciprocity', () => {
  it('directed-random-60: overall reciprocity', () => {
    const { ref, g } = referenceGraph('directed-random-60');
    expect(Math.abs(reciprocity(g.graph).overall - scalar(ref, 'reciprocity'))).toBeLessThan(TOL);
  });

  it('hand-checked with a self-loop and an isolated node', () => {
    // a ⇄ b, b → c, c ↺, d isolated: 4 arcs, 2 reciprocated → 0.5.
    const { graph } = fromEdgeList(['a', 'b', 'c', 'd'], [['a', 'b'], ['b', 'a'], ['b', 'c'], ['c', 'c']], { directed: true });
    const r = reciprocity(graph);
    expect(r.overall).toBe(0.5);
    expect(r.perNode[0]).toBe(1);
    expect(r.perNode[1]).toBeCloseTo((2 * 1) / 3, 12);
    expect(r.perNode[2]).toBeCloseTo((2 * 1) / 3, 12); // pred {b, c}, succ {c}
    expect(r.perNode[3]).toBeNaN();
  });

  it('throws for undirected and arc-less graphs', () => {
    expect(() => reciprocity(fromEdgeList([1, 2], [[1, 2]], { directed: false }).graph)).toThrow(NotDirectedError);
    expect(() => reciprocity(fromEdgeList([1, 2], [], { directed: true }).graph)).toThrow(EmptyGraphError);
  });
});
