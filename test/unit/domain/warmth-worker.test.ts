/**
 * A read model loaded from the database is prepared in a worker thread (after a restart): the
 * same percentiles and default ranking as computed in this thread, and the caller's arrays intact.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_INFLUENCE_WEIGHTS, snapshotWarmth } from '../../../src/domain/influence.js';
import { warmthInWorker } from '../../../src/domain/warmth-worker.runner.js';

describe('read model preparation in a worker thread', () => {
  it('equals the preparation in this thread and leaves the scores in place', async () => {
    const n = 500;
    const ids = Array.from({ length: n }, (_, i) => `c${String(i).padStart(4, '0')}`);
    const wave = (f: number) => Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? NaN : Math.sin(i * f) + (i % 3)));
    const fields = { pagerank: wave(0.3), reach2: wave(0.7), amplificationReceived: wave(1.1), betweenness: wave(1.9), followers: wave(0.01) };
    const there = await warmthInWorker({ fields, ids });
    expect(there).toEqual(snapshotWarmth(fields, ids, DEFAULT_INFLUENCE_WEIGHTS));
    expect(fields.pagerank.length).toBe(n);
  });
});
