/**
 * The standard errors that sampled betweenness states match the spread of its estimates over
 * many samples, and stay meaningful where the Hoeffding bound exceeds every score.
 */
import { describe, expect, it } from 'vitest';
import { betweenness, buildCsr, createRng } from '../../../src/analytics/index.js';
import { referenceGraph } from './reference.js';

describe('standard errors of sampled betweenness', () => {
  it('agree with the spread of the estimates over 300 seeds (les-miserables, 20 sources)', () => {
    const { g } = referenceGraph('les-miserables');
    const runs = Array.from({ length: 300 }, (_, seed) => betweenness(g.graph, { k: 20, seed }));
    const exact = betweenness(g.graph).scores;
    const top = Array.from(exact.keys()).sort((a, b) => exact[b] - exact[a]).slice(0, 5);
    for (const v of top) {
      const values = runs.map((r) => r.scores[v]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const spread = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
      const stated = runs.reduce((a, r) => a + r.standardErrors![v], 0) / runs.length;
      expect(stated / spread).toBeGreaterThan(0.6);
      expect(stated / spread).toBeLessThan(1.4);
    }
    expect(betweenness(g.graph).standardErrors).toBeNull();
  });

  it('states a relative error below 1 for the top nodes where the Hoeffding bound exceeds every score', () => {
    const n = 3000;
    const rng = createRng(3);
    const src: number[] = [];
    const dst: number[] = [];
    for (let u = 0; u < n; u++) {
      for (let j = 0; j < 5; j++) {
        const v = Math.floor(n * rng.next() ** 3);
        if (v !== u) (src.push(u), dst.push(v));
      }
    }
    const graph = buildCsr(n, Int32Array.from(src), Int32Array.from(dst), null);
    const r = betweenness(graph, { k: 200, seed: 1 });
    expect(r.errorBound).toBeGreaterThan(Math.max(...r.scores));
    expect(r.relativeErrorTop!.nodes).toBe(100);
    expect(r.relativeErrorTop!.median).toBeLessThan(0.5);
    expect(r.relativeErrorTop!.max).toBeGreaterThanOrEqual(r.relativeErrorTop!.median);
  });
});
