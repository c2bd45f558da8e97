/**
 * The diffusion inputs a campaign plan draws from a projection: each attention arc's decayed
 * interaction volume recovered from its weight (tie part removed, interaction weight divided
 * out), the tie flag, and the audience of a customer.
 */
import { describe, expect, it } from 'vitest';
import { audience, diffusionArcs } from '../../../src/domain/campaign/diffusion-input.js';
import { networkGraphOf } from '../../../src/domain/network-graph.js';
import type { Projection } from '../../../src/domain/projection.js';

/** A projection of three customers: a follows b (weight 1) and amplified b (volume 4); c amplified b (volume 2); b knows c. */
function projection(interactionWeight: number): Projection {
  const arcs: [number, number, number, number][] = [
    [0, 1, 1, 1],
    [0, 1, interactionWeight * 4, 0],
    [2, 1, interactionWeight * 2, 0],
    [1, 2, 1, 1],
    [2, 1, 1, 1],
  ];
  const n = 3;
  return {
    ids: ['a', 'b', 'c'],
    optedOut: new Uint8Array(n),
    previousCommunity: new Int32Array(n).fill(-1),
    src: Int32Array.from(arcs.map((a) => a[0])),
    dst: Int32Array.from(arcs.map((a) => a[1])),
    weight: Float64Array.from(arcs.map((a) => a[2])),
    isTie: Uint8Array.from(arcs.map((a) => a[3])),
    lastPurchaseAt: new Float64Array(n).fill(NaN),
    asOf: '2026-01-01T00:00:00Z',
  } as unknown as Projection;
}

describe('diffusion inputs of a campaign plan', () => {
  it('recovers each arc’s interaction volume and tie flag from the attention graph', () => {
    const g = networkGraphOf(projection(0.5));
    const arcs = diffusionArcs(g, 0.5);
    const byPair = new Map<string, [number, number]>();
    for (let j = 0; j < arcs.src.length; j++) byPair.set(`${g.ids[arcs.src[j]]}>${g.ids[arcs.dst[j]]}`, [arcs.volume[j], arcs.isTie[j]]);
    expect(Object.fromEntries(byPair)).toEqual({ 'a>b': [4, 1], 'b>c': [0, 1], 'c>b': [2, 1] });
    expect(arcs.n).toBe(3);
  });

  it('lists who listens to a customer', () => {
    const g = networkGraphOf(projection(0.5));
    expect([...audience(g, 1)].map((v) => g.ids[v]).sort()).toEqual(['a', 'c']);
    expect([...audience(g, 0)]).toEqual([]);
  });
});
