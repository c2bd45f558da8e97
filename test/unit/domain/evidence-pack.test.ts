/**
 * Stance evidence packed into typed arrays for a thread crossing comes back the same: the same
 * Maps with entries in the same order, the same values, a missing date as null.
 */
import { describe, expect, it } from 'vitest';
import { packEvidence, unpackEvidence } from '../../../src/domain/evidence-pack.js';
import { buffersOf } from '../../../src/domain/in-worker.js';
import type { StanceEvidence } from '../../../src/domain/stance.js';

describe('packed stance evidence', () => {
  it('unpacks to the same Maps in the same order, nulls included', () => {
    const acme = new Map<number, StanceEvidence>([
      [7, { ratings: [{ score: 9, at: 1000 }, { score: 3, at: 2000 }], engagements: [{ sentiment: 0.5, kind: 'like', at: 1500 }], content: [] }],
      [2, { ratings: [], engagements: [{ sentiment: -1, kind: 'complaint', at: null as unknown as number }, { sentiment: 0, kind: 'like', at: 3 }], content: [{ sentiment: 0.25, at: 4 }] }],
      [5, { ratings: [], engagements: [], content: [] }],
    ]);
    const zeta = new Map<number, StanceEvidence>([[2, { ratings: [{ score: 0, at: 9 }], engagements: [{ sentiment: 0.1, kind: 'purchase', at: 8 }], content: [] }]]);
    const evidence = [acme, zeta, new Map<number, StanceEvidence>()];
    const packed = packEvidence(evidence);
    expect(packed.kinds).toEqual(['like', 'complaint', 'purchase']);
    const back = unpackEvidence(structuredClone(packed, { transfer: buffersOf(packed) }));
    expect(back).toEqual(evidence);
    expect([...back[0].keys()]).toEqual([7, 2, 5]);
    expect(back[0].get(2)!.engagements[0].at).toBeNull();
  });
});
