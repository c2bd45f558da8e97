/** Which engine a run gets: asked for, configured, or `auto` by base size and memory; gds without GDS is refused. */
import { describe, expect, it } from 'vitest';
import { chooseEngine, requireGds, type EngineSettings } from '../../../src/domain/engines/choose-engine.js';
import type { AnalyticsEngine } from '../../../src/domain/engines/engine.js';

const engine = (available: boolean): AnalyticsEngine => ({
  name: 'gds',
  available: async () => (available ? { available, version: '2.13.9' } : { available, reason: 'the database has no Graph Data Science library' }),
  compute: async () => ({}),
});
const settings = (over: Partial<EngineSettings> = {}): EngineSettings => ({
  default: 'auto',
  autoMinCustomers: 1000,
  gds: engine(true),
  availableMemoryBytes: () => 2 ** 30,
  ...over,
});

describe('chooseEngine', () => {
  it('follows the run, then the configured default', async () => {
    expect((await chooseEngine('in-process', 10_000, 100, settings())).report.name).toBe('in-process');
    const configured = await chooseEngine(undefined, 10, 10, settings({ default: 'gds' }));
    expect(configured.report).toMatchObject({ name: 'gds', requested: 'gds', version: '2.13.9' });
    expect(configured.report.reason).toMatch(/ANALYTICS_ENGINE/);
  });

  it('auto: gds from GDS_AUTO_MIN_CUSTOMERS on, in-process below, gds again when the in-process estimate does not fit', async () => {
    expect((await chooseEngine('auto', 1000, 10, settings())).report.name).toBe('gds');
    const small = await chooseEngine('auto', 999, 10, settings());
    expect(small.engine).toBeUndefined();
    expect(small.report.reason).toMatch(/below GDS_AUTO_MIN_CUSTOMERS/);
    const tight = await chooseEngine('auto', 999, 10_000_000, settings({ availableMemoryBytes: () => 2 ** 20 }));
    expect(tight.report.name).toBe('gds');
    expect(tight.report.reason).toMatch(/exceeds the 1 MiB/);
  });

  it('auto stays in-process, and gds is refused with 409, when the database has no GDS', async () => {
    const none = settings({ gds: engine(false) });
    const auto = await chooseEngine('auto', 1_000_000, 10, none);
    expect(auto.report.name).toBe('in-process');
    expect(auto.report.reason).toMatch(/no Graph Data Science/);
    await expect(requireGds(none)).rejects.toMatchObject({ code: 'GDS_UNAVAILABLE', status: 409 });
    await expect(chooseEngine('gds', 10, 10, settings({ gds: undefined }))).rejects.toMatchObject({ code: 'GDS_UNAVAILABLE' });
  });
});
