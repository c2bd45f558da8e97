import { describe, expect, it } from 'vitest';
import { diffusionGraph, INTERACTION_DEFAULTS } from '../../../../src/analytics/campaign/index.js';
import { InvalidArgumentError, InvalidGraphError } from '../../../../src/analytics/errors.js';

const i32 = (xs: number[]) => Int32Array.from(xs);
const f64 = (xs: number[]) => Float64Array.from(xs);
const u8 = (xs: number[]) => Uint8Array.from(xs);

function arcsOf(g: ReturnType<typeof diffusionGraph>): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let u = 0; u < g.n; u++) for (let p = g.offsets[u]; p < g.offsets[u + 1]; p++) out.push([u, g.targets[p], g.prob[p]]);
  return out;
}

describe('diffusionGraph', () => {
  it('turns the attention arc a → b into the diffusion arc b → a', () => {
    const g = diffusionGraph(3, i32([0]), i32([1]), f64([0]), u8([1]), { kind: 'constant', p: 0.3 });
    expect(arcsOf(g)).toEqual([[1, 0, 0.3]]);
    expect(Array.from(g.inOffsets)).toEqual([0, 1, 1, 1]);
    expect(Array.from(g.inSources)).toEqual([1]);
    expect(Array.from(g.inProb)).toEqual([0.3]);
  });

  it('interactions rule: saturating in volume, a tie as a floor, tie-less silent arcs dropped', () => {
    const { halfSaturation: h, tieFloor, max } = INTERACTION_DEFAULTS;
    // attention: 0→1 tie only; 0→2 volume h, no tie; 0→3 tie and large volume; 0→4 nothing
    const g = diffusionGraph(5, i32([0, 0, 0, 0]), i32([1, 2, 3, 4]), f64([0, h, 100, 0]), u8([1, 0, 1, 0]), { kind: 'interactions' });
    const arcs = arcsOf(g);
    expect(arcs.map((a) => [a[0], a[1]])).toEqual([[1, 0], [2, 0], [3, 0]]);
    expect(arcs[0][2]).toBeCloseTo(tieFloor, 12);
    expect(arcs[1][2]).toBeCloseTo(max / 2, 12);
    expect(arcs[2][2]).toBeCloseTo((max * 100) / (100 + h), 12);
    expect(arcs[2][2]).toBeLessThan(max);
  });

  it('merges parallel arcs (volumes summed, tie kept) and drops self-loops', () => {
    const g = diffusionGraph(2, i32([0, 0, 1]), i32([1, 1, 1]), f64([1, 1, 5]), u8([0, 1, 0]), { kind: 'interactions', halfSaturation: 2, max: 0.4, tieFloor: 0.1 });
    expect(arcsOf(g)).toEqual([[1, 0, 0.2]]);
  });

  it('weighted cascade: each node’s in-probabilities sum to 1', () => {
    // attention arcs into nobody; diffusion into node 0 from 1, 2, 3 and into 1 from 2
    const g = diffusionGraph(4, i32([0, 0, 0, 1]), i32([1, 2, 3, 2]), f64([0, 0, 0, 0]), u8([1, 1, 1, 1]), { kind: 'weighted-cascade' });
    for (let v = 0; v < g.n; v++) {
      let s = 0;
      for (let q = g.inOffsets[v]; q < g.inOffsets[v + 1]; q++) s += g.inProb[q];
      if (g.inOffsets[v + 1] > g.inOffsets[v]) expect(s).toBeCloseTo(1, 12);
    }
    expect(g.inOffsets[1] - g.inOffsets[0]).toBe(3);
  });

  it('rejects bad input', () => {
    expect(() => diffusionGraph(2, i32([0]), i32([1, 0]), f64([0]), u8([1]), { kind: 'weighted-cascade' })).toThrow(InvalidGraphError);
    expect(() => diffusionGraph(2, i32([0]), i32([1]), f64([-1]), u8([1]), { kind: 'weighted-cascade' })).toThrow(InvalidGraphError);
    expect(() => diffusionGraph(2, i32([0]), i32([5]), f64([0]), u8([1]), { kind: 'weighted-cascade' })).toThrow(InvalidGraphError);
    expect(() => diffusionGraph(2, i32([0]), i32([1]), f64([0]), u8([1]), { kind: 'constant', p: 0 })).toThrow(InvalidArgumentError);
    expect(() => diffusionGraph(2, i32([0]), i32([1]), f64([0]), u8([1]), { kind: 'interactions', max: 2 })).toThrow(InvalidArgumentError);
  });

  it('an empty graph is fine', () => {
    const g = diffusionGraph(0, i32([]), i32([]), f64([]), u8([]), { kind: 'interactions' });
    expect(g.n).toBe(0);
    expect(g.targets.length).toBe(0);
  });
});
