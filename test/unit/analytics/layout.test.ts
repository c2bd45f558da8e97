/** ForceAtlas2 layout (seeded, finite) and the community graph aggregated from a layout. */
import { describe, expect, it } from 'vitest';
import { buildCsr } from '../../../src/analytics/csr.js';
import { forceAtlas2Layout } from '../../../src/analytics/layout.js';
import { aggregateCommunities } from '../../../src/analytics/layout-aggregate.js';

// Two triangles {0,1,2} and {3,4,5} joined by the arcs 2→3 (weight 2) and 3→2 (weight 1); 6 has no community.
const src = Int32Array.from([0, 1, 1, 2, 2, 0, 3, 4, 4, 5, 5, 3, 2, 3, 6]);
const dst = Int32Array.from([1, 0, 2, 1, 0, 2, 4, 3, 5, 4, 3, 5, 3, 2, 0]);
const w = Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 5]);
const csr = buildCsr(7, src, dst, w);
const community = [0, 0, 0, 1, 1, 1, -1];

describe('aggregateCommunities', () => {
  it('puts each community at its members’ centroid and sums the arc weights between communities', () => {
    const x = [0, 2, 4, 10, 12, 14, 99];
    const y = [0, 3, 0, 1, 1, 1, 99];
    const g = aggregateCommunities(csr, community, x, y);
    expect(g.communities).toEqual([
      { id: 0, size: 3, x: 2, y: 1, },
      { id: 1, size: 3, x: 12, y: 1 },
    ]);
    expect(g.ties).toEqual([{ source: 0, target: 1, weight: 3, arcs: 2 }]);
  });

  it('is empty on an empty graph', () => {
    expect(aggregateCommunities(buildCsr(0, new Int32Array(), new Int32Array(), new Float64Array()), [], [], [])).toEqual({ communities: [], ties: [] });
  });
});

describe('forceAtlas2Layout', () => {
  it('gives finite positions, the same for the same seed, and keeps the two triangles apart', () => {
    const a = forceAtlas2Layout(csr, { seed: 3 });
    const b = forceAtlas2Layout(csr, { seed: 3 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(a.x.every(Number.isFinite) && a.y.every(Number.isFinite)).toBe(true);
    const d = (i: number, j: number) => Math.hypot(a.x[i] - a.x[j], a.y[i] - a.y[j]);
    expect(d(0, 1)).toBeLessThan(d(0, 4));
  });

  it('handles an empty graph and zero iterations', () => {
    expect(forceAtlas2Layout(buildCsr(0, new Int32Array(), new Int32Array(), new Float64Array())).x.length).toBe(0);
    expect(forceAtlas2Layout(csr, { iterations: 0 }).iterations).toBe(0);
  });
});
