import { describe, expect, it } from 'vitest';
import { simulateSpread } from '../../../../src/analytics/campaign/index.js';
import { buildNodeIndex, RrSampler, RrSets } from '../../../../src/analytics/campaign/ris.js';
import { immLambdas, lnChoose } from '../../../../src/analytics/campaign/imm.js';
import { STREAM, worldKey } from '../../../../src/analytics/campaign/worlds.js';
import { randomGraph } from './fixtures.js';

describe('reverse-reachable sets', () => {
  it('store flat, grow by doubling, and invert into a node index', () => {
    const rr = new RrSets(1, 2);
    rr.push(Int32Array.from([3, 1, 2]), 3, 3);
    rr.push(Int32Array.from([0]), 1, 0);
    rr.push(Int32Array.from([1, 0, 9]), 2, 1);
    expect(rr.count).toBe(3);
    expect(Array.from(rr.offsets.subarray(0, 4))).toEqual([0, 3, 4, 6]);
    expect(Array.from(rr.members.subarray(0, rr.size))).toEqual([3, 1, 2, 0, 1, 0]);
    expect(Array.from(rr.roots.subarray(0, 3))).toEqual([3, 0, 1]);
    const idx = buildNodeIndex(4, rr);
    const setsOf = (v: number) => Array.from(idx.sets.subarray(idx.offsets[v], idx.offsets[v + 1]));
    expect([0, 1, 2, 3].map(setsOf)).toEqual([[1, 2], [0, 2], [0], [0]]);
  });

  it.each(['ic', 'lt'] as const)('%s: n × the share of RR sets a seed set meets estimates its forward spread', (model) => {
    const g = randomGraph(200, 3, 0.05, 0.3, 2);
    const rr = new RrSets();
    new RrSampler(g, model, 4).draw(rr, 0, 40000);
    const seeds = [0, 1, 2, 50];
    const isSeed = new Uint8Array(g.n);
    for (const s of seeds) isSeed[s] = 1;
    let met = 0;
    for (let s = 0; s < rr.count; s++) {
      for (let i = rr.offsets[s]; i < rr.offsets[s + 1]; i++) {
        if (isSeed[rr.members[i]]) {
          met++;
          break;
        }
      }
    }
    const ris = (g.n * met) / rr.count;
    const fwd = simulateSpread(g, seeds, { model, runs: 20000, seed: 8 });
    expect(Math.abs(ris - fwd.mean) / fwd.mean).toBeLessThan(0.05);
  });

  it('draws the same sets however the draws are split', () => {
    const g = randomGraph(100, 3, 0.1, 0.4, 3);
    const a = new RrSets();
    new RrSampler(g, 'ic', 1).draw(a, 0, 500);
    const b = new RrSets();
    const s = new RrSampler(g, 'ic', 1);
    s.draw(b, 0, 123);
    s.draw(b, 123, 500);
    expect(b.size).toBe(a.size);
    expect(Array.from(b.members.subarray(0, b.size))).toEqual(Array.from(a.members.subarray(0, a.size)));
  });

  it('keeps the worlds of RR sets, CELF and forward runs apart under one seed', () => {
    const keys = [STREAM.simulate, STREAM.rrSets, STREAM.celf].map((stream) => worldKey(42, 7, stream));
    expect(new Set(keys).size).toBe(3);
    expect(worldKey(42, 7)).toBe(keys[0]);
  });

  it('IMM bounds: ln C(n, k) and λ* grow with n and k, λ* shrinks with ε²', () => {
    expect(lnChoose(10, 3)).toBeCloseTo(Math.log(120), 12);
    const a = immLambdas(100_000, 50, 0.1, 1);
    expect(a.lambdaStar).toBeGreaterThan(immLambdas(100_000, 10, 0.1, 1).lambdaStar);
    expect(immLambdas(100_000, 50, 0.2, 1).lambdaStar).toBeCloseTo(a.lambdaStar / 4, -3);
  });
});
