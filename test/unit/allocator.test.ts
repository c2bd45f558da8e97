import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALLOCATOR_ENV, missingAllocatorSettings } from '../../src/allocator.js';

describe('allocator setting', () => {
  it('is what npm start gives the service', () => {
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.start;
    const assignments = start.split(/\s+/).filter((word) => /^[A-Z_]+=/.test(word));
    expect(Object.fromEntries(assignments.map((a) => a.split('=')))).toEqual(ALLOCATOR_ENV);
  });

  it('names each setting missing or set otherwise', () => {
    expect(missingAllocatorSettings({ ...ALLOCATOR_ENV })).toEqual([]);
    expect(missingAllocatorSettings({})).toEqual(['MALLOC_MMAP_THRESHOLD_=131072']);
    expect(missingAllocatorSettings({ MALLOC_MMAP_THRESHOLD_: '4096' })).toEqual(['MALLOC_MMAP_THRESHOLD_=131072']);
  });
});
