import { describe, expect, it } from 'vitest';
import { ConvergenceError, eigenvector, EmptyGraphError, fromEdgeList, hits } from '../../../src/analytics/index.js';
import { expectMatchesReference, nodeMap, referenceGraph } from './reference.js';

// Reference values: NetworkX 3.6 eigenvector_centrality and hits (scipy SVD), 10 decimals.
// Tolerance 1e-6 absolute per node, reached with tol = 1e-12.
const TOL = 1e-6;

describe('eigenvector centrality', () => {
  it.each(['karate-club', 'les-miserables'] as const)('%s: matches NetworkX', (name) => {
    const { ref, g } = referenceGraph(name);
    const r = eigenvector(g.graph, { tol: 1e-12, maxIter: 10_000 });
    expect(r.converged).toBe(true);
    expectMatchesReference(r.scores, g, nodeMap(ref, 'eigenvector'), TOL);
    const norm = Math.hypot(...r.scores);
    expect(norm).toBeCloseTo(1, 12);
  });

  it('directed: left eigenvector, as NetworkX 3.6.1 (nodes 0..4 of directed-random-60)', () => {
    const { g } = referenceGraph('directed-random-60');
    const expected = [0.01880126656950519, 0.16261249894600988, 0.035251730727965426, 0.13755402689638377, 0.08321241191114144];
    const r = eigenvector(g.graph, { tol: 1e-12, maxIter: 10_000 });
    expected.forEach((v, i) => expect(Math.abs(r.scores[i] - v)).toBeLessThan(TOL));
  });

  it('weighted (hand-checked): a star with one heavy spoke', () => {
    // Undirected star centre c, leaves a (weight 3), b (weight 1): eigenvector of A
    // (λ = √10) is x_c = √10 x-scale, x_a = 3, x_b = 1 (up to scale).
    const { graph } = fromEdgeList(['c', 'a', 'b'], [['c', 'a', 3], ['c', 'b', 1]], { directed: false });
    const r = eigenvector(graph, { weighted: true, tol: 1e-13, maxIter: 100_000 });
    expect(r.scores[1] / r.scores[2]).toBeCloseTo(3, 6);
    expect(r.scores[0] / r.scores[2]).toBeCloseTo(Math.sqrt(10), 6);
  });

  it('throws on the empty graph and on non-convergence', () => {
    expect(() => eigenvector(fromEdgeList([], [], { directed: false }).graph)).toThrow(EmptyGraphError);
    const { g } = referenceGraph('les-miserables');
    expect(() => eigenvector(g.graph, { tol: 1e-15, maxIter: 2 })).toThrow(ConvergenceError);
    expect(eigenvector(g.graph, { tol: 1e-15, maxIter: 2, onNonConvergence: 'return' }).converged).toBe(false);
    expect(Array.from(eigenvector(fromEdgeList(['x'], [], { directed: false }).graph).scores)).toEqual([1]);
  });
});

describe('hits', () => {
  it('directed-random-60: hubs and authorities match NetworkX', () => {
    const { ref, g } = referenceGraph('directed-random-60');
    const r = hits(g.graph, { tol: 1e-12, maxIter: 10_000 });
    expect(r.converged).toBe(true);
    expectMatchesReference(r.hubs, g, nodeMap(ref, 'hits_hubs'), TOL);
    expectMatchesReference(r.authorities, g, nodeMap(ref, 'hits_authorities'), TOL);
    expect(r.hubs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(r.authorities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('hand-checked: two hubs pointing to one authority', () => {
    const { graph } = fromEdgeList(['h1', 'h2', 'a', 'x'], [['h1', 'a'], ['h2', 'a'], ['h2', 'x']], { directed: true });
    const r = hits(graph, { tol: 1e-14, maxIter: 10_000 });
    // AᵀA's principal eigenvector on (a, x): [[2,1],[1,1]] → ratio a/x = (1+√5)/2.
    expect(r.authorities[2] / r.authorities[3]).toBeCloseTo((1 + Math.sqrt(5)) / 2, 8);
    expect(r.authorities[0]).toBe(0);
    expect(r.hubs[1]).toBeGreaterThan(r.hubs[0]);
  });

  it('edge cases: empty graph, no arcs, non-convergence', () => {
    const e = hits(fromEdgeList([], [], { directed: true }).graph);
    expect(e.hubs.length).toBe(0);
    const none = hits(fromEdgeList([1, 2], [], { directed: true }).graph);
    expect(Array.from(none.hubs)).toEqual([0, 0]);
    const { g } = referenceGraph('directed-random-60');
    expect(() => hits(g.graph, { tol: 1e-15, maxIter: 2 })).toThrow(ConvergenceError);
  });
});
