/**
 * The scoring of an analytics run gives the same scores in a worker thread as in the calling
 * thread for a seed, hands the projection back intact, and stops when aborted.
 */
import { describe, expect, it } from 'vitest';
import { runScoringInWorker, ScoringAborted } from '../../../src/domain/run-worker.runner.js';
import { runScoringTask, type ScoringEvent } from '../../../src/domain/run-worker-task.js';
import { RunParamsSchema, scoringPhases } from '../../../src/domain/scoring.js';
import { DEFAULT_INFLUENCE_WEIGHTS, influenceKey, percentileRanks, rankOrder } from '../../../src/domain/influence.js';
import { networkCsrsOf } from '../../../src/domain/network-graph.js';
import { packProjectionEvidence, unpackProjectionEvidence } from '../../../src/domain/projection.js';
import { generatedProjection } from './scoring-fixture.js';

describe('scoring in a worker thread', () => {
  it('equals the scoring in this thread for the same seed, sampled algorithms included', async () => {
    const params = RunParamsSchema.parse({ seed: 17, betweenness: { maxExactNodes: 100, samples: 40 }, closeness: { maxExactNodes: 100, samples: 50 } });
    const here = generatedProjection(400, 6, 3);
    const there = structuredClone(here);
    const events: ScoringEvent[] = [];
    const inThread = await runScoringTask({ projection: here, params, previousMaxCommunityId: 9 }, () => undefined);
    const inWorker = await runScoringInWorker({ projection: there, params, previousMaxCommunityId: 9 }, (e) => events.push(e));
    expect(inWorker.result).toEqual(inThread);
    expect((inThread.summary.betweenness as { exact: boolean }).exact).toBe(false);
    // The projection comes back as the calling thread's is left: without the arcs and evidence only
    // the scoring reads, the rest moved rather than copied.
    expect(inWorker.projection).toEqual(here);
    expect(here.src.length + here.weight.length + here.positiveVolume.length).toBe(0);
    expect(here.evidence).toEqual([]);
    expect(here.ids).toEqual(structuredClone(generatedProjection(400, 6, 3)).ids);
    expect(here.lastPurchaseAt).toEqual(generatedProjection(400, 6, 3).lastPurchaseAt);
    expect(there.src.length).toBe(0);
    // Every phase is reported running, then done, in order.
    const phases = events.filter((e) => e.type === 'phase');
    const names = [...new Set(phases.map((e) => e.name))];
    expect(names[0]).toBe('graph');
    expect(names).toContain('closeness');
    expect(names.at(-1)).toBe('influence');
    for (const name of names) expect(phases.filter((e) => e.name === name).map((e) => e.state)).toEqual(['running', 'done']);
  });

  it('precomputes the read model\'s percentiles, default ranking and paths graph next to the scores', async () => {
    const params = RunParamsSchema.parse({ seed: 3 });
    const projection = generatedProjection(300, 5, 2);
    const ids = [...projection.ids];
    const { result } = await runScoringInWorker({ projection, params, previousMaxCommunityId: -1 });
    const warmth = result.warmth!;
    expect(warmth.key).toBe(influenceKey(DEFAULT_INFLUENCE_WEIGHTS));
    // every score's percentiles, as the snapshot would compute them itself
    expect(Object.keys(warmth.percentiles).sort()).toEqual(Object.keys(result.fields).sort());
    for (const [f, values] of Object.entries(result.fields)) expect(warmth.percentiles[f]).toEqual(percentileRanks(values!));
    // the default influence is the run's own influence score, and the order ranks it
    expect(warmth.influence).toEqual(result.fields.influence);
    expect(warmth.order).toEqual(rankOrder(result.fields.influence!, ids));
    // and the paths graph of the same projection
    expect(result.network).toEqual(networkCsrsOf(generatedProjection(300, 5, 2)));
  });

  it('scores stance from packed evidence, read a customer at a time, as from the Maps', async () => {
    const params = RunParamsSchema.parse({ seed: 4 });
    const packed = generatedProjection(300, 5, 2);
    packProjectionEvidence(packed);
    expect(packed.evidence).toEqual([]);
    const fromPacked = await runScoringTask({ projection: packed, params, previousMaxCommunityId: -1 }, () => undefined);
    const fromMaps = await runScoringTask({ projection: generatedProjection(300, 5, 2), params, previousMaxCommunityId: -1 }, () => undefined);
    expect(fromPacked.stance!.classes.some((c) => c !== 0)).toBe(true);
    expect(fromPacked).toEqual(fromMaps);
    // Dropped with the arcs once scored.
    expect(packed.packedEvidence).toBeUndefined();
  });

  it('stops when aborted during a phase', async () => {
    const params = RunParamsSchema.parse({ algorithms: ['closeness'], closeness: { maxExactNodes: 100_000 } });
    const controller = new AbortController();
    const running = runScoringInWorker({ projection: generatedProjection(3000, 8, 5), params, previousMaxCommunityId: -1 }, (e) => {
      if (e.type === 'phase' && e.name === 'closeness' && e.state === 'running') controller.abort();
    }, controller.signal);
    await expect(running).rejects.toBeInstanceOf(ScoringAborted);
  });

  it('with two threads runs the sampled searches beside the other phases, with the same scores', async () => {
    const params = RunParamsSchema.parse({ seed: 5, betweenness: { maxExactNodes: 100, samples: 40 }, closeness: { maxExactNodes: 100, samples: 50 } });
    const one = await runScoringTask({ projection: generatedProjection(500, 6, 3), params, previousMaxCommunityId: -1 }, () => undefined);
    const events: ScoringEvent[] = [];
    const two = await runScoringInWorker({ projection: generatedProjection(500, 6, 3), params, previousMaxCommunityId: -1, threads: 2 }, (e) => events.push(e));
    expect(two.result).toEqual(one);
    expect((one.summary.closeness as { exact: boolean }).exact).toBe(false);
    // Each phase reported running then done; the searches' phases wait last, just before influence.
    const phases = events.filter((e) => e.type === 'phase');
    const names = [...new Set(phases.map((e) => e.name))];
    const influence = names.indexOf('influence');
    expect(names.slice(influence - 3, influence)).toEqual(['betweenness', 'closeness', 'harmonic']);
    expect(names.indexOf('trust')).toBeLessThan(influence - 3);
    for (const name of names) expect(phases.filter((e) => e.name === name).map((e) => e.state)).toEqual(['running', 'done']);
    // Harmonic alone waits for the second thread too.
    const harmonicOnly = RunParamsSchema.parse({ ...params, algorithms: ['harmonic'] });
    const alone = await runScoringTask({ projection: generatedProjection(500, 6, 3), params: harmonicOnly, previousMaxCommunityId: -1, threads: 2 }, () => undefined);
    expect(alone.fields.harmonic).toEqual(one.fields.harmonic);
  });

  it('with two threads stops when aborted, and a failure of the second thread fails the phases waiting for it', async () => {
    const params = RunParamsSchema.parse({ algorithms: ['betweenness', 'closeness'], betweenness: { maxExactNodes: 100_000 }, closeness: { maxExactNodes: 100_000 } });
    const controller = new AbortController();
    const running = runScoringTask({ projection: generatedProjection(3000, 8, 5), params, previousMaxCommunityId: -1, threads: 2 }, (e) => {
      if (e.type === 'phase' && e.name === 'betweenness' && e.state === 'running') controller.abort();
    }, controller.signal);
    await expect(running).rejects.toThrow();
    // The second thread's failure is the waiting phases', even when it fails before they wait.
    const stopped = () => Promise.reject(new Error('the second thread stopped'));
    const { phases } = scoringPhases(generatedProjection(50, 3, 2), RunParamsSchema.parse({ algorithms: ['pagerank', 'betweenness', 'closeness'] }), -1, {
      offload: (_g, _params, wanted) => ({ distances: wanted.distances ? stopped() : undefined, betweenness: wanted.betweenness ? stopped() : undefined }),
    });
    expect(phases.map((p) => p.name)).toEqual(['graph', 'pagerank', 'betweenness', 'closeness', 'influence']);
    for (const step of phases.filter((p) => p.name === 'graph' || p.name === 'pagerank')) await step.run();
    await expect(phases.find((p) => p.name === 'betweenness')!.run()).rejects.toThrow('the second thread stopped');
    await expect(phases.find((p) => p.name === 'closeness')!.run()).rejects.toThrow('the second thread stopped');
  });
});
