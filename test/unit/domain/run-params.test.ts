/** The run parameters' defaults are the algorithms' own defaults, taken from each algorithm's DEFAULTS. */
import { describe, expect, it } from 'vitest';
import { BETWEENNESS_DEFAULTS, LOUVAIN_DEFAULTS, PAGERANK_DEFAULTS, SAMPLING_DEFAULTS, SIGNED_PAGERANK_DEFAULTS } from '../../../src/analytics/index.js';
import { RunParamsSchema } from '../../../src/domain/scoring.js';

describe('run parameter defaults', () => {
  it('come from the algorithms’ DEFAULTS objects', () => {
    const p = RunParamsSchema.parse({});
    expect(p.pagerank).toEqual({ alpha: PAGERANK_DEFAULTS.alpha, tol: PAGERANK_DEFAULTS.strict.tol, maxIter: PAGERANK_DEFAULTS.strict.maxIter });
    expect(p.betweenness).toEqual({ maxExactNodes: BETWEENNESS_DEFAULTS.maxExactNodes, samples: BETWEENNESS_DEFAULTS.samples });
    expect(p.closeness).toEqual({ maxExactNodes: SAMPLING_DEFAULTS.maxExactNodes, samples: SAMPLING_DEFAULTS.samples });
    expect(p.louvain).toEqual({ resolution: LOUVAIN_DEFAULTS.resolution });
    expect(p.trust).toEqual({ alpha: SIGNED_PAGERANK_DEFAULTS.alpha, beta: SIGNED_PAGERANK_DEFAULTS.beta });
    expect(p.seed).toBe(BETWEENNESS_DEFAULTS.seed);
  });

  it('keep the values runs have always used', () => {
    const p = RunParamsSchema.parse({});
    expect(p.pagerank).toEqual({ alpha: 0.85, tol: 1e-9, maxIter: 200 });
    expect(p.betweenness).toEqual({ maxExactNodes: 5000, samples: 128 });
    expect(p.closeness).toEqual({ maxExactNodes: 5000, samples: 256 });
    expect(p.seed).toBe(42);
  });
});
