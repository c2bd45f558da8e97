import { describe, expect, it } from 'vitest';
import {
  betweenness,
  closeness,
  fromEdgeList,
  harmonic,
  InvalidArgumentError,
  reverse,
} from '../../../src/analytics/index.js';
import { expectMatchesReference, nodeMap, referenceGraph } from './reference.js';

// Reference values: NetworkX 3.6 betweenness_centrality(normalized=True), closeness_centrality
// (wf_improved=True) and harmonic_centrality, 10 decimals. Tolerance 1e-6 absolute per node.
const TOL = 1e-6;

describe('betweenness vs NetworkX', () => {
  it.each(['karate-club', 'les-miserables', 'directed-random-60'] as const)('%s: betweenness_normalized', (name) => {
    const { ref, g } = referenceGraph(name);
    const r = betweenness(g.graph);
    expect(r.exact).toBe(true);
    expect(r.errorBound).toBe(0);
    expect(r.samples).toBe(g.graph.n);
    expectMatchesReference(r.scores, g, nodeMap(ref, 'betweenness_normalized'), TOL);
  });
});

describe('betweenness behaviour', () => {
  it('sampled with k = n equals exact', () => {
    const { g } = referenceGraph('les-miserables');
    const exact = betweenness(g.graph);
    const all = betweenness(g.graph, { k: g.graph.n, seed: 7 });
    expect(all.exact).toBe(true);
    for (let i = 0; i < g.graph.n; i++) expect(all.scores[i]).toBeCloseTo(exact.scores[i], 12);
  });

  it('samples deterministically for a seed and states a Hoeffding bound', () => {
    const { g } = referenceGraph('les-miserables');
    const a = betweenness(g.graph, { k: 20, seed: 1 });
    const b = betweenness(g.graph, { k: 20, seed: 1 });
    const c = betweenness(g.graph, { k: 20, seed: 2 });
    expect(a.exact).toBe(false);
    expect(a.samples).toBe(20);
    expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
    expect(Array.from(a.scores)).not.toEqual(Array.from(c.scores));
    expect(a.errorBound).toBeCloseTo(Math.sqrt(Math.log(2 / 0.05) / (2 * 19)), 12);
    expect(a.errorBoundAllNodes).toBeGreaterThan(a.errorBound);
    // The estimate stays within the stated bound of the exact values (it is a guarantee at 95 %
    // per node; here it holds for every node).
    const exact = betweenness(g.graph);
    for (let i = 0; i < g.graph.n; i++) expect(Math.abs(a.scores[i] - exact.scores[i])).toBeLessThan(a.errorBound);
  });

  it('switches to sampling above maxExactNodes', () => {
    const { g } = referenceGraph('karate-club');
    const r = betweenness(g.graph, { maxExactNodes: 10, defaultSamples: 8 });
    expect(r.exact).toBe(false);
    expect(r.samples).toBe(8);
  });

  it('is unbiased on average over seeds (mean of many sampled runs ≈ exact)', () => {
    const { g } = referenceGraph('karate-club');
    const exact = betweenness(g.graph);
    const mean = new Float64Array(g.graph.n);
    const runs = 200;
    for (let s = 0; s < runs; s++) {
      const r = betweenness(g.graph, { k: 10, seed: s });
      for (let i = 0; i < g.graph.n; i++) mean[i] += r.scores[i] / runs;
    }
    for (let i = 0; i < g.graph.n; i++) expect(Math.abs(mean[i] - exact.scores[i])).toBeLessThan(0.03);
  });

  it('unnormalised undirected path counts each pair once (hand-checked)', () => {
    // Path a - b - c - d: b lies on (a,c), (a,d) → 2; c likewise.
    const { graph } = fromEdgeList(['a', 'b', 'c', 'd'], [['a', 'b'], ['b', 'c'], ['c', 'd']], { directed: false });
    expect(Array.from(betweenness(graph, { normalized: false }).scores)).toEqual([0, 2, 2, 0]);
    // normalised: 2 / ((n−1)(n−2)/2) = 2/3
    expect(betweenness(graph).scores[1]).toBeCloseTo(2 / 3, 12);
  });

  it('weighted uses weights as lengths (hand-checked)', () => {
    // a→b (1), b→c (1), a→c (5): the shortest a→c path goes through b.
    const { graph } = fromEdgeList(['a', 'b', 'c'], [['a', 'b', 1], ['b', 'c', 1], ['a', 'c', 5]], { directed: true });
    expect(Array.from(betweenness(graph, { weighted: true, normalized: false }).scores)).toEqual([0, 1, 0]);
    expect(Array.from(betweenness(graph, { normalized: false }).scores)).toEqual([0, 0, 0]);
    // Two equal weighted paths a→b→d and a→c→d (2 + 1 = 1 + 2): each middle node gets 1/2.
    const tie = fromEdgeList(
      ['a', 'b', 'c', 'd'],
      [['a', 'b', 2], ['b', 'd', 1], ['a', 'c', 1], ['c', 'd', 2]],
      { directed: true },
    ).graph;
    expect(Array.from(betweenness(tie, { weighted: true, normalized: false }).scores)).toEqual([0, 0.5, 0.5, 0]);
    const bad = fromEdgeList(['a', 'b', 'c'], [['a', 'b', 0], ['b', 'c', 1]], { directed: true }).graph;
    expect(() => betweenness(bad, { weighted: true })).toThrow(InvalidArgumentError);
  });

  it('handles empty, tiny, disconnected and self-loop graphs', () => {
    expect(betweenness(fromEdgeList([], [], { directed: true }).graph).scores.length).toBe(0);
    expect(Array.from(betweenness(fromEdgeList([1, 2], [[1, 2]], { directed: false }).graph).scores)).toEqual([0, 0]);
    const dis = fromEdgeList([1, 2, 3, 4, 5], [[1, 2], [2, 3], [4, 5]], { directed: false }).graph;
    // node 2 is on the 1–3 path only: 1 pair of (5−1)(5−2)/2 = 6.
    expect(betweenness(dis).scores[1]).toBeCloseTo(1 / 6, 12);
    const loop = fromEdgeList([1, 2, 3], [[1, 1], [1, 2], [2, 3]], { directed: false }).graph;
    expect(Array.from(betweenness(loop, { normalized: false }).scores)).toEqual([0, 1, 0]);
  });
});

describe('closeness and harmonic vs NetworkX', () => {
  it.each(['karate-club', 'les-miserables'] as const)('%s: closeness and harmonic', (name) => {
    const { ref, g } = referenceGraph(name);
    const c = closeness(g.graph);
    expect(c.exact).toBe(true);
    expectMatchesReference(c.scores, g, nodeMap(ref, 'closeness'), TOL);
    const h = harmonic(g.graph);
    expect(h.exact).toBe(true);
    expectMatchesReference(h.scores, g, nodeMap(ref, 'harmonic'), TOL);
  });

  it('directed graphs use incoming distances (NetworkX 3.6.1 values for directed-random-60)', () => {
    const { g } = referenceGraph('directed-random-60');
    // Computed with nx.closeness_centrality(G) and nx.harmonic_centrality(G), nodes 0..4.
    const expectedCloseness = [0.24180327868852458, 0.3575757575757576, 0.2706422018348624, 0.36645962732919257, 0.3224043715846995];
    const expectedHarmonic = [15.949999999999994, 24.083333333333325, 17.65, 25.33333333333332, 21.849999999999994];
    const c = closeness(g.graph).scores;
    const h = harmonic(g.graph).scores;
    expectedCloseness.forEach((v, i) => expect(Math.abs(c[i] - v)).toBeLessThan(TOL));
    expectedHarmonic.forEach((v, i) => expect(Math.abs(h[i] - v)).toBeLessThan(TOL));
  });
});

describe('closeness and harmonic behaviour', () => {
  it('hand-checked directed path a → b → c (incoming; reverse() for outgoing)', () => {
    const { graph } = fromEdgeList(['a', 'b', 'c'], [['a', 'b'], ['b', 'c']], { directed: true });
    // c is reached by b (1) and a (2): 2/3 · 2/2. b by a: 1/1 · 1/2. a by none: 0.
    expect(Array.from(closeness(graph).scores)).toEqual([0, 0.5, 2 / 3]);
    expect(Array.from(closeness(graph, { wfImproved: false }).scores)).toEqual([0, 1, 2 / 3]);
    expect(Array.from(harmonic(graph).scores)).toEqual([0, 1, 1.5]);
    expect(Array.from(harmonic(reverse(graph)).scores)).toEqual([1.5, 1, 0]);
  });

  it('weighted distances (hand-checked)', () => {
    const { graph } = fromEdgeList(['a', 'b', 'c'], [['a', 'b', 2], ['b', 'c', 3]], { directed: false });
    expect(harmonic(graph, { weighted: true }).scores[0]).toBeCloseTo(1 / 2 + 1 / 5, 12);
    expect(closeness(graph, { weighted: true }).scores[1]).toBeCloseTo(2 / 5, 12);
  });

  it('sampled estimates: deterministic, exact when every node is sampled, close on average', () => {
    const { g } = referenceGraph('les-miserables');
    const n = g.graph.n;
    const exactC = closeness(g.graph).scores;
    const exactH = harmonic(g.graph).scores;
    const a = closeness(g.graph, { samples: 30, seed: 3 });
    const b = closeness(g.graph, { samples: 30, seed: 3 });
    expect(a.exact).toBe(false);
    expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
    const allH = harmonic(g.graph, { samples: n });
    expect(allH.exact).toBe(true);
    const h = harmonic(g.graph, { samples: 40, seed: 9 });
    let errC = 0;
    let errH = 0;
    for (let i = 0; i < n; i++) {
      errC += Math.abs(a.scores[i] - exactC[i]) / exactC[i] / n;
      errH += Math.abs(h.scores[i] - exactH[i]) / exactH[i] / n;
    }
    expect(errC).toBeLessThan(0.1);
    expect(errH).toBeLessThan(0.1);
    expect(harmonic(g.graph, { maxExactNodes: 10, defaultSamples: 5 }).samples).toBe(5);
  });

  it('handles empty, single-node and disconnected graphs', () => {
    const empty = fromEdgeList([], [], { directed: true }).graph;
    expect(closeness(empty).scores.length).toBe(0);
    expect(harmonic(empty).scores.length).toBe(0);
    const one = fromEdgeList(['x'], [], { directed: false }).graph;
    expect(Array.from(closeness(one).scores)).toEqual([0]);
    const dis = fromEdgeList([1, 2, 3, 4], [[1, 2], [3, 4]], { directed: false }).graph;
    // Each node reaches one other at distance 1: (1/1)·(1/3).
    for (const v of closeness(dis).scores) expect(v).toBeCloseTo(1 / 3, 12);
    expect(Array.from(harmonic(dis).scores)).toEqual([1, 1, 1, 1]);
  });
});
