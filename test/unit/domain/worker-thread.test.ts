import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prepareWorkerBundles } from '../../../src/domain/worker-entry.js';
import { runWorker } from '../../../src/domain/worker-thread.js';

function answer(linger: boolean, events: string[]): Promise<number> {
  return runWorker<number, { type: string; value: number }>({
    from: import.meta.url,
    entry: './workers/answer-worker',
    workerData: { linger, value: 42 },
    aborted: () => new Error('aborted'),
    what: 'test',
    onMessage: (m, done) => {
      events.push(m.type);
      done.resolve(m.value);
    },
  });
}

describe('runWorker', () => {
  it('hands the answer over once the worker has exited', async () => {
    const events: string[] = [];
    await expect(answer(false, events)).resolves.toBe(42);
    expect(events).toEqual(['result']);
  });

  it('stops a worker that keeps running after its answer, and then hands the answer over', async () => {
    // The worker never exits by itself: the answer comes through its termination after the grace period.
    await expect(answer(true, [])).resolves.toBe(42);
  }, 20_000);

  it('bundles every worker entry of the sources beside it, so a worker loads no TypeScript loader', async () => {
    await expect(prepareWorkerBundles()).resolves.toBe(true);
    for (const entry of ['domain/run-worker', 'domain/distance-worker', 'graph/projection-worker', 'domain/campaign/seed-worker', 'domain/layout.worker']) {
      expect(existsSync(fileURLToPath(new URL(`../../../src/${entry}.bundle.mjs`, import.meta.url))), entry).toBe(true);
    }
  });
});
