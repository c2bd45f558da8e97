/**
 * Closeness and harmonic centrality computed from one set of searches equal each measure computed
 * alone, exact and sampled, on the reference graphs, and match the NetworkX values.
 */
import { describe, expect, it } from 'vitest';
import { buildCsr, closeness, closenessAndHarmonic, harmonic } from '../../../src/analytics/index.js';
import { expectMatchesReference, nodeMap, referenceGraph, type ReferenceName } from './reference.js';

const names: ReferenceName[] = ['karate-club', 'les-miserables', 'directed-random-60'];

describe('closeness and harmonic from shared searches', () => {
  it.each(names)('equal the separate computations on %s (exact and sampled, several seeds)', (name) => {
    const { g } = referenceGraph(name);
    for (const options of [{}, { samples: 10, seed: 1 }, { samples: 25, seed: 9 }, { wfImproved: false, samples: 12 }]) {
      const both = closenessAndHarmonic(g.graph, options);
      expect(both.closeness).toEqual(closeness(g.graph, options));
      expect(both.harmonic).toEqual(harmonic(g.graph, options));
    }
  });

  it.each(['karate-club', 'les-miserables'] as const)('match NetworkX on %s', (name) => {
    const { ref, g } = referenceGraph(name);
    const both = closenessAndHarmonic(g.graph);
    expectMatchesReference(both.closeness.scores, g, nodeMap(ref, 'closeness'), 1e-9);
    expectMatchesReference(both.harmonic.scores, g, nodeMap(ref, 'harmonic'), 1e-9);
  });

  it('agrees with the separate computations on weighted lengths to rounding', () => {
    const { g } = referenceGraph('les-miserables');
    const { n, outOffsets, outTargets } = g.graph;
    const src: number[] = [];
    const dst: number[] = [];
    for (let u = 0; u < n; u++) for (let p = outOffsets[u]; p < outOffsets[u + 1]; p++) (src.push(u), dst.push(outTargets[p]));
    const lengths = Float64Array.from(src, (u, i) => 0.5 + ((u * 7 + dst[i] * 3) % 5));
    const weighted = buildCsr(n, Int32Array.from(src), Int32Array.from(dst), lengths);
    const both = closenessAndHarmonic(weighted, { weighted: true });
    const alone = closeness(weighted, { weighted: true }).scores;
    both.closeness.scores.forEach((v, i) => expect(v).toBeCloseTo(alone[i], 12));
    expect(both.harmonic).toEqual(harmonic(weighted, { weighted: true }));
  });
});
