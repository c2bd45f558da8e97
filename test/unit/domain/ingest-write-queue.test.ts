/**
 * Bulk writes of ties and events run one at a time per service (a queue), entity writes side by
 * side; a failed write does not stop the queue. The repository here records overlapping writes.
 */
import { describe, expect, it } from 'vitest';
import { IngestService, type IngestRepository, type WriteCounts } from '../../../src/domain/ingest.service.js';

function recordingRepository(failFirst = false) {
  let inFlight = 0;
  let calls = 0;
  const seen = { maxInFlight: 0, order: [] as string[] };
  const repo: IngestRepository = {
    existingIds: async (_entity, ids) => new Set(ids),
    readEntity: async () => undefined,
    async write(kind, rows): Promise<WriteCounts> {
      const call = ++calls;
      inFlight++;
      seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
      seen.order.push(`start ${kind} ${rows.length}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.order.push(`end ${kind} ${rows.length}`);
      inFlight--;
      if (failFirst && call === 1) throw new Error('write failed');
      return { received: rows.length, created: rows.length, updated: 0 };
    },
  };
  return { repo, seen };
}

const ties = (n: number) => Array.from({ length: n }, (_, i) => ({ from: `a${i}`, to: `b${i}`, kind: 'FOLLOWS' }));

describe('the write queue of relationship kinds', () => {
  it('writes concurrent tie requests one after the other, each whole', async () => {
    const { repo, seen } = recordingRepository();
    const service = new IngestService(repo, 100);
    const results = await Promise.all([service.ingest('ties', ties(3)), service.ingest('ties', ties(2)), service.ingest('interactions', [])]);
    expect(results.map((r) => r.created)).toEqual([3, 2, 0]);
    expect(seen.maxInFlight).toBe(1);
    expect(seen.order).toEqual(['start ties 3', 'end ties 3', 'start ties 2', 'end ties 2']);
  });

  it('lets entity writes run side by side', async () => {
    const { repo, seen } = recordingRepository();
    const service = new IngestService(repo, 100);
    await Promise.all([service.ingest('customers', [{ id: 'c1' }]), service.ingest('customers', [{ id: 'c2' }])]);
    expect(seen.maxInFlight).toBe(2);
  });

  it('goes on after a failed write', async () => {
    const { repo } = recordingRepository(true);
    const service = new IngestService(repo, 100);
    const [first, second] = await Promise.allSettled([service.ingest('ties', ties(1)), service.ingest('ties', ties(4))]);
    expect(first.status).toBe('rejected');
    expect(second).toEqual({ status: 'fulfilled', value: { received: 4, created: 4, updated: 0 } });
  });
});
