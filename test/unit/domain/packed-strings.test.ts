import { describe, expect, it } from 'vitest';
import { packStrings, unpackStrings } from '../../../src/domain/packed-strings.js';
import { packProjectionText, restoreProjectionText, unpackProjectionText, type Projection } from '../../../src/domain/projection.js';
import { packScoredText, unpackScoredText } from '../../../src/domain/scored-text.js';
import type { ScoreSet } from '../../../src/domain/scoring.js';

describe('packed strings', () => {
  it('give back every entry: nulls, empty strings, surrogate pairs and separators-looking characters', () => {
    const values = ['Ann', null, '', 'Zoë 李 😀', '\u0000|,', null, 'last'];
    const packed = packStrings(values);
    expect(packed.ends).toBeInstanceOf(Uint32Array);
    expect(unpackStrings(packed)).toEqual(values);
    expect(unpackStrings(packStrings([]))).toEqual([]);
  });

  it('cross a thread as one string and two typed arrays', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? null : `customer ${i}`));
    const copy = structuredClone(packStrings(values));
    expect(typeof copy.text).toBe('string');
    expect(unpackStrings(copy)).toEqual(values);
  });
});

describe('scored text', () => {
  it('crosses packed and comes back as it was, the topics shared by the projection and the results', async () => {
    const ids = ['a', 'b', 'c', 'dé'];
    const topics = [['travel', 'food'], [], ['food'], ['x|y', '']];
    const projection = { ids: [...ids], topics } as unknown as Projection;
    const result = { text: { participationTier: ['creator', 'lurker', 'engager', 'lurker'], topics } } as unknown as ScoreSet;
    const packed = structuredClone(packScoredText(projection, result));
    expect(projection.ids).toEqual([]);
    expect(result.text.topics).toEqual([]);
    await unpackScoredText(packed, ids, projection, result);
    expect(projection.ids).toBe(ids);
    expect(result.text.participationTier).toEqual(['creator', 'lurker', 'engager', 'lurker']);
    expect(result.text.topics).toEqual(topics);
    expect(projection.topics).toBe(result.text.topics);
  });
});

describe('projection text', () => {
  it('packs for a thread, is restored in slices with the packed copy kept, and unpacked where it is computed on', async () => {
    const ids = Array.from({ length: 60_000 }, (_, i) => `c${i}`);
    const topics = ids.map((_, i) => (i % 3 === 0 ? [] : [`t${i % 7}`, `u${i % 5}`]));
    const p = { ids: [...ids], topics: topics.map((t) => [...t]) } as unknown as Projection;
    packProjectionText(p);
    expect(p.ids).toEqual([]);
    const received = structuredClone(p);
    await restoreProjectionText(received);
    expect(received.ids).toEqual(ids);
    expect(received.topics).toEqual(topics);
    const sent = structuredClone({ ...received, ids: [], topics: [] });
    await unpackProjectionText(sent);
    expect(sent.ids).toEqual(ids);
    expect(sent.topics).toEqual(topics);
    expect(sent.packedText).toBeUndefined();
  });
});
