import { describe, expect, it } from 'vitest';
import {
  buildCsr,
  createRng,
  fromEdgeList,
  InvalidArgumentError,
  InvalidGraphError,
  reverse,
  reweighted,
  signedPagerank,
  toUndirected,
  type CsrGraph,
} from '../../../src/analytics/index.js';
import { referenceGraph } from './reference.js';

const i32 = (xs: number[]) => Int32Array.from(xs);
const f64 = (xs: number[]) => Float64Array.from(xs);
const row = (g: CsrGraph, u: number) => Array.from(g.outTargets.subarray(g.outOffsets[u], g.outOffsets[u + 1]));
const inRow = (g: CsrGraph, u: number) => Array.from(g.inSources.subarray(g.inOffsets[u], g.inOffsets[u + 1]));

describe('buildCsr', () => {
  it('sorts rows and builds matching in-arrays', () => {
    const g = buildCsr(4, i32([2, 0, 0, 3, 1]), i32([1, 3, 1, 0, 2]));
    expect(g.directed).toBe(true);
    expect(g.m).toBe(5);
    expect(row(g, 0)).toEqual([1, 3]);
    expect(row(g, 3)).toEqual([0]);
    expect(inRow(g, 1)).toEqual([0, 2]);
    expect(inRow(g, 0)).toEqual([3]);
    expect(g.outWeights).toBeNull();
    expect(g.inWeights).toBeNull();
  });

  it('merges parallel arcs by summing weights (unweighted input then gains weights)', () => {
    const g = buildCsr(2, i32([0, 0, 0]), i32([1, 1, 1]));
    expect(g.m).toBe(1);
    expect(Array.from(g.outWeights ?? [])).toEqual([3]);
    expect(Array.from(g.inWeights ?? [])).toEqual([3]);
    const w = buildCsr(2, i32([0, 0]), i32([1, 1]), f64([0.5, 2]));
    expect(Array.from(w.outWeights ?? [])).toEqual([2.5]);
  });

  it("mergeParallel 'max' keeps the largest weight and no weights when all are 1", () => {
    const g = buildCsr(2, i32([0, 0]), i32([1, 1]), undefined, { mergeParallel: 'max' });
    expect(g.m).toBe(1);
    expect(g.outWeights).toBeNull();
    const w = buildCsr(2, i32([0, 0]), i32([1, 1]), f64([0.5, 2]), { mergeParallel: 'max' });
    expect(Array.from(w.outWeights ?? [])).toEqual([2]);
  });

  it('keeps a self-loop as one arc', () => {
    const g = buildCsr(2, i32([0, 0]), i32([0, 1]));
    expect(row(g, 0)).toEqual([0, 1]);
    expect(inRow(g, 0)).toEqual([0]);
    const u = buildCsr(2, i32([0, 0]), i32([0, 1]), undefined, { directed: false });
    expect(u.m).toBe(3); // loop once, edge both ways
    expect(row(u, 0)).toEqual([0, 1]);
    expect(row(u, 1)).toEqual([0]);
  });

  it('stores undirected edges both ways and shares the in-arrays', () => {
    const g = buildCsr(3, i32([0, 1]), i32([1, 2]), f64([2, 3]), { directed: false });
    expect(g.directed).toBe(false);
    expect(g.m).toBe(4);
    expect(row(g, 1)).toEqual([0, 2]);
    expect(Array.from(g.outWeights ?? [])).toEqual([2, 2, 3, 3]);
    expect(g.inOffsets).toBe(g.outOffsets);
    expect(g.inSources).toBe(g.outTargets);
  });

  it('rejects endpoints out of range, bad weights and mismatched lengths', () => {
    expect(() => buildCsr(2, i32([0]), i32([2]))).toThrow(InvalidGraphError);
    expect(() => buildCsr(2, i32([0]), i32([-1]))).toThrow(InvalidGraphError);
    expect(() => buildCsr(2, i32([0]), i32([1]), f64([-1]))).toThrow(InvalidGraphError);
    expect(() => buildCsr(2, i32([0]), i32([1]), f64([NaN]))).toThrow(InvalidGraphError);
    expect(() => buildCsr(2, i32([0]), i32([1]), f64([Infinity]))).toThrow(InvalidGraphError);
    expect(() => buildCsr(2, i32([0, 1]), i32([1]))).toThrow(InvalidGraphError);
    try {
      buildCsr(1, i32([0]), i32([1]));
    } catch (e) {
      expect((e as InvalidGraphError).code).toBe('INVALID_GRAPH');
    }
  });

  it('builds the empty graph and a single node', () => {
    const e = buildCsr(0, i32([]), i32([]));
    expect(e.n).toBe(0);
    expect(e.m).toBe(0);
    expect(Array.from(e.outOffsets)).toEqual([0]);
    const one = buildCsr(1, i32([]), i32([]));
    expect(Array.from(one.inOffsets)).toEqual([0, 0]);
  });
});

describe('toUndirected', () => {
  it('sums the two arc weights of a reciprocated pair and keeps loops once', () => {
    const g = buildCsr(3, i32([0, 1, 1, 2]), i32([1, 0, 2, 2]), f64([1, 2, 5, 7]));
    const u = toUndirected(g);
    expect(u.directed).toBe(false);
    expect(row(u, 0)).toEqual([1]);
    expect(row(u, 1)).toEqual([0, 2]);
    expect(row(u, 2)).toEqual([1, 2]);
    const w = u.outWeights ?? new Float64Array();
    expect(Array.from(w)).toEqual([3, 3, 5, 5, 7]);
  });

  it("combine 'max' on an unweighted graph gives the plain pattern", () => {
    const g = buildCsr(3, i32([0, 1, 1]), i32([1, 0, 2]));
    const s = toUndirected(g);
    expect(Array.from(s.outWeights ?? [])).toEqual([2, 2, 1, 1]);
    const mx = toUndirected(g, { combine: 'max' });
    expect(mx.outWeights).toBeNull();
    expect(mx.m).toBe(4);
  });

  it('returns an undirected graph unchanged and reverse() transposes', () => {
    const { g } = referenceGraph('karate-club');
    expect(toUndirected(g.graph)).toBe(g.graph);
    const d = buildCsr(3, i32([0, 0]), i32([1, 2]));
    const r = reverse(d);
    expect(row(r, 1)).toEqual([0]);
    expect(row(r, 0)).toEqual([]);
    expect(inRow(r, 0)).toEqual([1, 2]);
  });
});

describe('fromEdgeList', () => {
  it('indexes nodes in the given order and stores undirected reference edges as two arcs', () => {
    const { ref, g } = referenceGraph('karate-club');
    expect(g.graph.n).toBe(34);
    expect(g.graph.m).toBe(2 * ref.edges.length);
    expect(g.graph.outWeights).toBeNull();
    expect(g.index.get(33)).toBe(33);
  });

  it('accepts weighted tuples, defaulting missing weights to 1', () => {
    const { graph } = fromEdgeList(['a', 'b', 'c'], [['a', 'b', 2.5], ['b', 'c']], { directed: true });
    expect(Array.from(graph.outWeights ?? [])).toEqual([2.5, 1]);
  });

  it('rejects unknown nodes and duplicated ids', () => {
    expect(() => fromEdgeList(['a'], [['a', 'z']], { directed: true })).toThrow(InvalidArgumentError);
    expect(() => fromEdgeList(['a', 'a'], [], { directed: true })).toThrow(InvalidArgumentError);
  });
});

describe('reweighted', () => {
  // A multigraph with parallel arcs, self-loops and, for the second weights, many zero weights.
  const n = 60;
  const m = 900;
  const rng = createRng(7);
  const src = Int32Array.from({ length: m }, () => rng.nextInt(n));
  const dst = Int32Array.from({ length: m }, () => rng.nextInt(n));
  const first = Float64Array.from({ length: m }, () => 0.5 + rng.next());
  const second = Float64Array.from({ length: m }, () => (rng.next() < 0.4 ? 0 : rng.next() * 3));

  it('gives the graph built with the other weights, sharing its structure', () => {
    const g = buildCsr(n, src, dst, first);
    const r = reweighted(g, src, dst, (a) => second[a]);
    const built = buildCsr(n, src, dst, second);
    expect(r.outTargets).toBe(g.outTargets);
    expect(r.inSources).toBe(g.inSources);
    expect(r.outWeights).toEqual(built.outWeights);
    expect(r.inWeights).toEqual(built.inWeights);
    expect(r.m).toBe(built.m);
  });

  it('scores signed PageRank exactly as the graph of the non-zero arcs alone', () => {
    const g = buildCsr(n, src, dst, first);
    const keep = Array.from({ length: m }, (_, a) => a).filter((a) => second[a] !== 0);
    const alone = buildCsr(n, Int32Array.from(keep, (a) => src[a]), Int32Array.from(keep, (a) => dst[a]), Float64Array.from(keep, (a) => second[a]));
    expect(alone.m).toBeLessThan(g.m);
    const hostile = buildCsr(n, src.subarray(0, 50), dst.subarray(0, 50), first.subarray(0, 50));
    expect(signedPagerank(reweighted(g, src, dst, (a) => second[a]), hostile)).toEqual(signedPagerank(alone, hostile));
  });

  it('refuses an arc the graph does not have, and a bad weight', () => {
    const g = buildCsr(3, i32([0, 1]), i32([1, 2]));
    expect(() => reweighted(g, i32([0, 2]), i32([1, 0]), () => 1)).toThrow(InvalidGraphError);
    expect(() => reweighted(g, i32([0]), i32([1]), () => Number.NaN)).toThrow(InvalidGraphError);
  });
});
