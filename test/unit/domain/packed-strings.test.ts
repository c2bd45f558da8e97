import { describe, expect, it } from 'vitest';
import { packStrings, unpackStrings } from '../../../src/domain/packed-strings.js';

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
