/**
 * The supervisor's restart policy on stand-in database processes: an unexpected exit is
 * restarted after 1 s, 2 s, 4 s … capped, on the same port; the reason is reported meanwhile;
 * a requested stop is never restarted.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EmbeddedNeo4j, EmbeddedOptions } from '../../../src/neo4j/embedded.js';
import { EmbeddedNeo4jSupervisor } from '../../../src/neo4j/supervisor.js';

/** Stand-in processes: each launch either fails or gives a process the test can kill. */
function fakeLauncher(outcomes: ('ok' | 'fail')[]) {
  const launches: { at: number; port: number }[] = [];
  const kills: ((code: number) => void)[] = [];
  let pid = 100;
  const launch = async (options: EmbeddedOptions): Promise<EmbeddedNeo4j> => {
    launches.push({ at: Date.now(), port: options.port });
    const outcome = outcomes.shift() ?? 'ok';
    if (outcome === 'fail') throw new Error('could not start');
    let exit!: (code: number | null) => void;
    const exited = new Promise<number | null>((resolve) => (exit = resolve));
    kills.push((code) => exit(code));
    return { uri: 'bolt://127.0.0.1:7999', pid: ++pid, exited, stop: async () => exit(0) };
  };
  return { launch, launches, kill: (code: number) => kills[kills.length - 1](code) };
}

describe('EmbeddedNeo4jSupervisor', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('restarts after an unexpected exit with exponential backoff, capped, and says why meanwhile', async () => {
    vi.useFakeTimers();
    const fake = fakeLauncher(['ok', 'fail', 'fail', 'fail', 'ok']);
    const supervisor = await EmbeddedNeo4jSupervisor.start({ port: 0, password: 'x', ephemeral: true, maxBackoffMs: 3_000, launch: fake.launch });
    const downs: string[] = [];
    let ups = 0;
    supervisor.onDown((reason) => downs.push(reason));
    supervisor.onUp(() => ups++);
    expect(supervisor.unavailableReason()).toBeUndefined();

    const killedAt = Date.now();
    fake.kill(137);
    await vi.advanceTimersByTimeAsync(0);
    expect(supervisor.unavailableReason()).toBe('restarting after exit code 137 (attempt 1)');
    await vi.advanceTimersByTimeAsync(60_000);

    expect(ups).toBe(1);
    expect(supervisor.unavailableReason()).toBeUndefined();
    expect(supervisor.state.status).toBe('up');
    expect(downs).toEqual([1, 2, 3, 4].map((n) => `restarting after exit code 137 (attempt ${n})`));
    // Delays 1 s, 2 s, then capped at 3 s; always on the port of the first start.
    const delays = fake.launches.slice(1).map((l, i, all) => l.at - (i === 0 ? killedAt : all[i - 1].at));
    expect(delays).toEqual([1_000, 2_000, 3_000, 3_000]);
    expect(fake.launches.slice(1).every((l) => l.port === 7999)).toBe(true);
    await supervisor.stop();
  });

  it('does not restart a database it was asked to stop', async () => {
    vi.useFakeTimers();
    const fake = fakeLauncher(['ok']);
    const supervisor = await EmbeddedNeo4jSupervisor.start({ port: 0, password: 'x', launch: fake.launch });
    await supervisor.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.launches).toHaveLength(1);
    expect(supervisor.unavailableReason()).toBe('stopped');
  });
});
