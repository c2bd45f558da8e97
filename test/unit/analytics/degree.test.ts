import { describe, expect, it } from 'vitest';
import { degree, fromEdgeList } from '../../../src/analytics/index.js';
import { expectMatchesReference, nodeMap, referenceGraph } from './reference.js';

// Degrees are integers: compared exactly (tolerance 0).
describe('degree', () => {
  it('matches the directed reference in- and out-degrees', () => {
    const { ref, g } = referenceGraph('directed-random-60');
    expectMatchesReference(degree(g.graph, { direction: 'in' }), g, nodeMap(ref, 'in_degree'), 0);
    expectMatchesReference(degree(g.graph, { direction: 'out' }), g, nodeMap(ref, 'out_degree'), 0);
    const total = degree(g.graph);
    const inD = nodeMap(ref, 'in_degree');
    const outD = nodeMap(ref, 'out_degree');
    g.nodes.forEach((id, i) => expect(total[i]).toBe(inD[String(id)] + outD[String(id)]));
  });

  it('counts an undirected self-loop twice, as NetworkX', () => {
    const { graph } = fromEdgeList(['a', 'b'], [['a', 'a'], ['a', 'b']], { directed: false });
    expect(Array.from(degree(graph))).toEqual([3, 1]);
    expect(Array.from(degree(graph, { direction: 'in' }))).toEqual([3, 1]);
  });

  it('counts a directed self-loop once each way', () => {
    const { graph } = fromEdgeList([0, 1], [[0, 0], [0, 1]], { directed: true });
    expect(Array.from(degree(graph, { direction: 'out' }))).toEqual([2, 0]);
    expect(Array.from(degree(graph, { direction: 'in' }))).toEqual([1, 1]);
    expect(Array.from(degree(graph))).toEqual([3, 1]);
  });

  it('sums weights when weighted (hand-checked)', () => {
    const { graph } = fromEdgeList(
      ['a', 'b', 'c'],
      [['a', 'b', 2], ['a', 'c', 0.5], ['c', 'a', 4], ['c', 'c', 1]],
      { directed: true },
    );
    expect(Array.from(degree(graph, { direction: 'out', weighted: true }))).toEqual([2.5, 0, 5]);
    expect(Array.from(degree(graph, { direction: 'in', weighted: true }))).toEqual([4, 2, 1.5]);
    expect(Array.from(degree(graph, { weighted: true }))).toEqual([6.5, 2, 6.5]);
    const u = fromEdgeList(['a', 'b'], [['a', 'a', 3], ['a', 'b', 2]], { directed: false }).graph;
    expect(Array.from(degree(u, { weighted: true }))).toEqual([8, 2]);
  });

  it('returns an empty array on the empty graph', () => {
    expect(degree(fromEdgeList([], [], { directed: true }).graph).length).toBe(0);
  });
});
