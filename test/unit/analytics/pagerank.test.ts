import { describe, expect, it } from 'vitest';
import { ConvergenceError, fromEdgeList, InvalidArgumentError, pagerank } from '../../../src/analytics/index.js';
import { expectMatchesReference, nodeMap, referenceGraph } from './reference.js';

// Reference values are NetworkX 3.6 pagerank(alpha=0.85) to 10 decimals. Tolerance: 1e-6
// absolute per node, reached with tol = 1e-10 under NetworkX's stopping rule.
const TOL = 1e-6;

describe('pagerank vs NetworkX', () => {
  it.each(['karate-club', 'les-miserables'] as const)('%s: pagerank_alpha_0.85', (name) => {
    const { ref, g } = referenceGraph(name);
    const r = pagerank(g.graph, { alpha: 0.85, tol: 1e-10, maxIter: 1000 });
    expect(r.converged).toBe(true);
    expectMatchesReference(r.scores, g, nodeMap(ref, 'pagerank_alpha_0.85'), TOL);
  });

  it('directed-random-60: pagerank_alpha_0.85_dangling_uniform', () => {
    const { ref, g } = referenceGraph('directed-random-60');
    const r = pagerank(g.graph, { tol: 1e-10, maxIter: 1000 });
    expectMatchesReference(r.scores, g, nodeMap(ref, 'pagerank_alpha_0.85_dangling_uniform'), TOL);
    expect(r.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("'strict' stopping iterates at least as long as NetworkX's rule", () => {
    const { g } = referenceGraph('les-miserables');
    const nx = pagerank(g.graph, { tol: 1e-6 });
    const strict = pagerank(g.graph, { tol: 1e-6, stopping: 'strict' });
    expect(strict.iterations).toBeGreaterThan(nx.iterations);
    expect(strict.delta).toBeLessThan(1e-6);
    expect(nx.delta).toBeLessThan(77 * 1e-6);
  });
});

describe('pagerank behaviour', () => {
  it('throws ConvergenceError when maxIter is reached, or returns flagged', () => {
    const { g } = referenceGraph('karate-club');
    expect(() => pagerank(g.graph, { tol: 1e-15, maxIter: 3 })).toThrow(ConvergenceError);
    try {
      pagerank(g.graph, { tol: 1e-15, maxIter: 3 });
    } catch (e) {
      expect((e as ConvergenceError).code).toBe('NO_CONVERGENCE');
      expect((e as ConvergenceError).iterations).toBe(3);
    }
    const r = pagerank(g.graph, { tol: 1e-15, maxIter: 3, onNonConvergence: 'return' });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(3);
  });

  it('redistributes dangling rank by the personalization (hand-solved)', () => {
    // a → b, b dangling. Uniform: x_a = 0.15/2 + 0.85 x_b/2, x_b = x_a·0.85 + 0.15/2 + 0.85 x_b/2.
    const { graph } = fromEdgeList(['a', 'b'], [['a', 'b']], { directed: true });
    const r = pagerank(graph, { tol: 1e-14, maxIter: 1000 });
    // Solve: x_a + x_b = 1 → x_a = 0.075 + 0.425 x_b, so x_b = (1 − 0.075)/1.425.
    const xb = 0.925 / 1.425;
    expect(r.scores[1]).toBeCloseTo(xb, 12);
    expect(r.scores[0]).toBeCloseTo(1 - xb, 12);
  });

  it('sends dangling rank where the dangling option says (hand-solved)', () => {
    // a → b, b dangling with all its rank sent to a: x_a = 0.075 + 0.85 x_b, x_b = 0.075 + 0.85 x_a.
    const { graph } = fromEdgeList(['a', 'b'], [['a', 'b']], { directed: true });
    const r = pagerank(graph, { dangling: new Map([[0, 1]]), tol: 1e-14, maxIter: 1000 });
    expect(r.scores[0]).toBeCloseTo(0.5, 12);
    expect(r.scores[1]).toBeCloseTo(0.5, 12);
  });

  it('personalised PageRank on a small hand graph', () => {
    // Cycle a → b → c → a with personalization all on a: x = 0.15·e_a + 0.85·P x,
    // geometric: x_a = 0.15/(1 − 0.85³), x_b = 0.85 x_a, x_c = 0.85² x_a.
    const { graph } = fromEdgeList(['a', 'b', 'c'], [['a', 'b'], ['b', 'c'], ['c', 'a']], { directed: true });
    const r = pagerank(graph, { personalization: new Map([[0, 5]]), tol: 1e-14, maxIter: 1000 });
    const xa = 0.15 / (1 - 0.85 ** 3);
    expect(r.scores[0]).toBeCloseTo(xa, 12);
    expect(r.scores[1]).toBeCloseTo(0.85 * xa, 12);
    expect(r.scores[2]).toBeCloseTo(0.85 * 0.85 * xa, 12);
  });

  it('uses weights (hand-checked) and ignores them when weighted is false', () => {
    // a → b (3), a → c (1); b → a, c → a. x_b = 0.05 + 0.85·0.75 x_a, x_c = 0.05 + 0.85·0.25 x_a,
    // x_a = 0.05 + 0.85 (x_b + x_c) → x_a = 0.05 + 0.085 + 0.7225 x_a.
    const { graph } = fromEdgeList(
      ['a', 'b', 'c'],
      [['a', 'b', 3], ['a', 'c', 1], ['b', 'a'], ['c', 'a']],
      { directed: true },
    );
    const xa = 0.135 / (1 - 0.7225);
    const r = pagerank(graph, { tol: 1e-14, maxIter: 1000 });
    expect(r.scores[0]).toBeCloseTo(xa, 12);
    expect(r.scores[1]).toBeCloseTo(0.05 + 0.85 * 0.75 * xa, 12);
    const u = pagerank(graph, { weighted: false, tol: 1e-14, maxIter: 1000 });
    expect(u.scores[1]).toBeCloseTo(u.scores[2], 12);
  });

  it('keeps a self-loop as rank that stays at its node', () => {
    // a ↺, a → b, b → a: x_a = 0.075 + 0.85 (x_a/2 + x_b), x_b = 0.075 + 0.85 x_a/2.
    const { graph } = fromEdgeList(['a', 'b'], [['a', 'a'], ['a', 'b'], ['b', 'a']], { directed: true });
    const r = pagerank(graph, { tol: 1e-14, maxIter: 1000 });
    const xa = (0.075 + 0.85 * 0.075) / (1 - 0.425 - 0.85 * 0.425);
    expect(r.scores[0]).toBeCloseTo(xa, 12);
  });

  it('handles empty, single-node and disconnected graphs', () => {
    const empty = pagerank(fromEdgeList([], [], { directed: true }).graph);
    expect(empty.scores.length).toBe(0);
    expect(empty.converged).toBe(true);
    const one = pagerank(fromEdgeList(['x'], [], { directed: true }).graph);
    expect(Array.from(one.scores)).toEqual([1]);
    const two = pagerank(fromEdgeList([1, 2, 3, 4], [[1, 2], [3, 4]], { directed: false }).graph, { tol: 1e-12 });
    for (const s of two.scores) expect(s).toBeCloseTo(0.25, 12);
  });

  it('rejects bad options', () => {
    const { g } = referenceGraph('karate-club');
    expect(() => pagerank(g.graph, { alpha: 1 })).toThrow(InvalidArgumentError);
    expect(() => pagerank(g.graph, { personalization: new Map([[99, 1]]) })).toThrow(InvalidArgumentError);
    expect(() => pagerank(g.graph, { personalization: new Map([[0, 0]]) })).toThrow(InvalidArgumentError);
    expect(() => pagerank(g.graph, { tol: 0 })).toThrow(InvalidArgumentError);
  });
});
