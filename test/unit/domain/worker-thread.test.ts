import { existsSync, readFileSync } from 'node:fs';
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

  it.runIf(process.platform === 'linux')('lowers the priority of a background worker’s thread only, not the caller’s', async () => {
    const niceOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    const before = niceOf(readFileSync('/proc/thread-self/stat', 'utf8'));
    const seen = await runWorker<{ lowered: boolean; nice: number }, { type: string; value: { lowered: boolean; nice: number } }>({
      from: import.meta.url,
      entry: './workers/nice-worker',
      workerData: undefined,
      aborted: () => new Error('aborted'),
      what: 'test',
      onMessage: (m, done) => done.resolve(m.value),
    });
    expect(seen.lowered).toBe(true);
    // A worker starts at its caller's nice value: 10 then, or left as it is when that is higher already.
    expect(seen.nice).toBe(Math.max(before, 10));
    expect(niceOf(readFileSync('/proc/thread-self/stat', 'utf8'))).toBe(before);
  });

  it('bundles every worker entry of the sources beside it, so a worker loads no TypeScript loader', async () => {
    await expect(prepareWorkerBundles()).resolves.toBe(true);
    for (const entry of ['domain/run-worker', 'domain/distance-worker', 'graph/projection-worker', 'graph/details-worker', 'graph/social-proof-worker', 'domain/campaign/seed-worker', 'domain/layout.worker']) {
      expect(existsSync(fileURLToPath(new URL(`../../../src/${entry}.bundle.mjs`, import.meta.url))), entry).toBe(true);
    }
  });
});
