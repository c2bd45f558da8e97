import { describe, expect, it } from 'vitest';
import {
  betweenness,
  closeness,
  clustering,
  degree,
  eigenvector,
  EmptyGraphError,
  fromEdgeList,
  harmonic,
  hits,
  kcore,
  louvain,
  modularity,
  pagerank,
  reciprocity,
  stronglyConnectedComponents,
  weaklyConnectedComponents,
} from '../../../src/analytics/index.js';

// The empty-graph policy of the kernel, in one place (also in src/analytics/README.md):
// every algorithm returns empty results on n = 0, except eigenvector (EmptyGraphError, as
// NetworkX raises NetworkXPointlessConcept), modularity and reciprocity (EmptyGraphError: undefined
// without edge weight / arcs).
describe('empty graph policy', () => {
  const empty = fromEdgeList([], [], { directed: true }).graph;

  it('returns empty results', () => {
    expect(degree(empty).length).toBe(0);
    expect(pagerank(empty).scores.length).toBe(0);
    expect(betweenness(empty).scores.length).toBe(0);
    expect(closeness(empty).scores.length).toBe(0);
    expect(harmonic(empty).scores.length).toBe(0);
    expect(hits(empty).hubs.length).toBe(0);
    expect(kcore(empty).length).toBe(0);
    expect(weaklyConnectedComponents(empty).count).toBe(0);
    expect(stronglyConnectedComponents(empty).count).toBe(0);
    expect(clustering(empty).local.length).toBe(0);
    expect(louvain(empty).count).toBe(0);
  });

  it('throws EmptyGraphError where the measure is undefined', () => {
    expect(() => eigenvector(empty)).toThrow(EmptyGraphError);
    expect(() => modularity(empty, [])).toThrow(EmptyGraphError);
    expect(() => reciprocity(empty)).toThrow(EmptyGraphError);
    try {
      eigenvector(empty);
    } catch (e) {
      expect((e as EmptyGraphError).code).toBe('EMPTY_GRAPH');
      expect((e as EmptyGraphError).retriable).toBe(false);
    }
  });
});

describe('single node', () => {
  const one = fromEdgeList(['only'], [], { directed: true }).graph;
  const loop = fromEdgeList(['only'], [['only', 'only']], { directed: true }).graph;

  it('gives the NetworkX values', () => {
    expect(Array.from(pagerank(one).scores)).toEqual([1]);
    expect(Array.from(pagerank(loop).scores)).toEqual([1]);
    expect(Array.from(betweenness(one).scores)).toEqual([0]);
    expect(Array.from(closeness(one).scores)).toEqual([0]);
    expect(Array.from(harmonic(loop).scores)).toEqual([0]);
    expect(Array.from(eigenvector(one).scores)).toEqual([1]);
    expect(Array.from(kcore(loop))).toEqual([0]);
    expect(clustering(loop).local[0]).toBe(0);
    expect(louvain(one).count).toBe(1);
    expect(louvain(loop).modularity).toBe(0); // one community holding everything: Q = 1 − 1
    expect(reciprocity(loop).overall).toBe(0);
  });
});
