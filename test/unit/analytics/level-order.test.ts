/**
 * The level-ordered searches (src/analytics/level-order.ts) give the same numbers, bit for bit, as
 * the plain distance-array searches they replaced: a textbook Brandes written here is the oracle,
 * on the reference graphs and on a random directed graph with hubs, exact and sampled.
 */
import { describe, expect, it } from 'vitest';
import { betweenness, buildCsr, type CsrGraph } from '../../../src/analytics/index.js';
import { drainLevel } from '../../../src/analytics/level-order.js';
import { createRng, sampleWithoutReplacement } from '../../../src/analytics/random.js';
import { referenceGraph } from './reference.js';

/** Unnormalised Brandes sums over the given sources, BFS in discovery order with a distance array. */
function plainBrandes(g: CsrGraph, sources: ArrayLike<number>): Float64Array {
  const { n, outOffsets, outTargets } = g;
  const sums = new Float64Array(n);
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i];
    const dist = new Int32Array(n).fill(-1);
    const sigma = new Float64Array(n);
    const delta = new Float64Array(n);
    const order: number[] = [s];
    dist[s] = 0;
    sigma[s] = 1;
    for (let head = 0; head < order.length; head++) {
      const v = order[head];
      for (let p = outOffsets[v]; p < outOffsets[v + 1]; p++) {
        const w = outTargets[p];
        if (dist[w] < 0) (dist[w] = dist[v] + 1), order.push(w);
        if (dist[w] === dist[v] + 1) sigma[w] += sigma[v];
      }
    }
    for (let j = order.length - 1; j > 0; j--) {
      const v = order[j];
      let sum = 0;
      for (let p = outOffsets[v]; p < outOffsets[v + 1]; p++) {
        const w = outTargets[p];
        if (dist[w] === dist[v] + 1) sum += (1 + delta[w]) / sigma[w];
      }
      delta[v] = sigma[v] * sum;
      sums[v] += delta[v];
    }
  }
  return sums;
}

/** A directed graph with a few hubs (preferential targets), so that levels are wide and σ large. */
function hubGraph(n: number, arcs: number, seed: number): CsrGraph {
  const rng = createRng(seed);
  const src = new Int32Array(arcs);
  const dst = new Int32Array(arcs);
  for (let i = 0; i < arcs; i++) {
    src[i] = rng.nextInt(n);
    dst[i] = rng.next() < 0.3 ? rng.nextInt(20) : rng.nextInt(n);
  }
  return buildCsr(n, src, dst);
}

describe('level-ordered betweenness', () => {
  it.each(['karate-club', 'les-miserables', 'directed-random-60'] as const)('equals a distance-array Brandes bit for bit on %s (exact)', (name) => {
    const g = referenceGraph(name).g.graph;
    const scale = g.directed ? 1 : 0.5;
    const expected = plainBrandes(g, Int32Array.from({ length: g.n }, (_, i) => i)).map((x) => x * scale);
    expect(betweenness(g, { normalized: false }).scores).toEqual(expected);
  });

  it('equals a distance-array Brandes bit for bit on a 3,000-node graph with hubs (sampled)', () => {
    const g = hubGraph(3000, 24_000, 5);
    const k = 40;
    const sources = sampleWithoutReplacement(g.n, k, createRng(11));
    const sums = plainBrandes(g, sources);
    const isSource = new Uint8Array(g.n);
    for (const s of sources) isSource[s] = 1;
    const N = g.n - 1;
    const expected = sums.map((x, v) => x * (isSource[v] ? 1 / ((k - 1) * (N - 1)) : 1 / (k * (N - 1))));
    expect(betweenness(g, { k, seed: 11 }).scores).toEqual(expected);
  });
});

describe('drainLevel', () => {
  it('lists the set bits in increasing order, clears them and returns the new tail', () => {
    const bits = new Int32Array(3);
    const nodes = [95, 0, 31, 32, 64, 33, 1];
    for (const v of nodes) bits[v >>> 5] |= 1 << (v & 31);
    const order = new Int32Array(10).fill(-1);
    order[0] = 7;
    expect(drainLevel(bits, order, 1)).toBe(8);
    expect(Array.from(order.subarray(0, 8))).toEqual([7, 0, 1, 31, 32, 33, 64, 95]);
    expect(Array.from(bits)).toEqual([0, 0, 0]);
  });
});
