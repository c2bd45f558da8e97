/** Privacy changes on the in-memory read model and the path graph, and the community summaries' scrub, on small hand-made inputs. */
import { describe, expect, it } from 'vitest';
import { withoutCustomers, type NetworkGraph } from '../../../src/domain/network-graph.js';
import { ScoreSnapshot, type SnapshotData } from '../../../src/domain/score-snapshot.js';
import { buildCsr } from '../../../src/analytics/index.js';
import { scrubCommunities } from '../../../src/graph/entity.repository.js';

function snapshot(): ScoreSnapshot {
  const ids = ['a', 'b', 'c'];
  const data: SnapshotData = {
    run: { id: 'r1', finishedAt: '2026-01-01T00:00:00Z', summary: {}, phases: [], params: {} },
    ids,
    name: ['A', 'B', 'C'],
    handle: [null, null, null],
    segment: ['s', 's', 's'],
    region: [null, null, null],
    optedOut: Uint8Array.from([0, 0, 1]),
    participationTier: [null, null, null],
    topics: [[], [], []],
    fields: { pagerank: Float64Array.from([0.5, 0.3, 0.2]) },
    communities: [],
    history: [],
  };
  return new ScoreSnapshot(data);
}

describe('ScoreSnapshot.withPrivacy', () => {
  it('forgets erased customers and flips opt-outs, sharing the scores and leaving the original untouched', () => {
    const s = snapshot();
    const percentiles = s.percentiles('pagerank');
    const t = s.withPrivacy(['a'], new Map([['c', false]]));
    expect(t.version).toBe(1);
    expect(t.index.has('a')).toBe(false);
    expect(t.erased.has('a')).toBe(true);
    expect(t.data.name[0]).toBeNull();
    expect(t.listable('a')).toBe(false);
    expect(t.listable('c')).toBe(true);
    expect(t.percentiles('pagerank')).toBe(percentiles);
    expect(s.listable('a')).toBe(true);
    expect(s.listable('c')).toBe(false);
    expect(s.data.name[0]).toBe('A');
  });

  it('returns the same snapshot when nothing changes', () => {
    const s = snapshot();
    expect(s.withPrivacy(['zz'], new Map([['c', true], ['a', false]]))).toBe(s);
  });
});

describe('withoutCustomers', () => {
  it('drops every arc touching an erased customer and forgets their id', () => {
    // a → b → c, c → a
    const src = Int32Array.from([0, 1, 2]);
    const dst = Int32Array.from([1, 2, 0]);
    const w = Float64Array.from([1, 2, 3]);
    const g: NetworkGraph = {
      ids: ['a', 'b', 'c'],
      index: new Map([['a', 0], ['b', 1], ['c', 2]]),
      attention: buildCsr(3, src, dst, w),
      ties: buildCsr(3, src, dst, w),
      lastPurchaseAt: new Float64Array(3),
      asOf: '2026-01-01T00:00:00Z',
    };
    const h = withoutCustomers(g, ['b']);
    expect(h.index.has('b')).toBe(false);
    expect(h.attention.m).toBe(1);
    expect(Array.from(h.attention.outTargets.subarray(h.attention.outOffsets[2], h.attention.outOffsets[3]))).toEqual([0]);
    expect(h.attention.outWeights![0]).toBe(3);
    expect(g.attention.m).toBe(3);
    expect(withoutCustomers(g, ['nobody'])).toBe(g);
  });
});

describe('scrubCommunities', () => {
  it('removes the id from top members only, and reports no change when absent', () => {
    const json = JSON.stringify([{ id: 1, topMembers: ['a', 'ab', 'b'] }, { id: 2, topMembers: ['c'] }]);
    expect(JSON.parse(scrubCommunities(json, 'a')!)).toEqual([{ id: 1, topMembers: ['ab', 'b'] }, { id: 2, topMembers: ['c'] }]);
    expect(scrubCommunities(json, 'zz')).toBeUndefined();
  });
});
