import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DATASET_FILES,
  DATASET_KINDS,
  generateDataset,
  GeneratorOptionsError,
  GROUND_TRUTH_FILE,
  writeDataset,
} from '../../../src/generator/generate.js';
import { serializerFor } from '../../../src/generator/serialize.js';
import type { DatasetKind } from '../../../src/generator/types.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'generator-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function fileHashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    out[name] = createHash('sha256').update(await readFile(join(dir, name))).digest('hex');
  }
  return out;
}

describe('writeDataset', () => {
  it('is deterministic: the same seed gives byte-identical files, another seed different ones', async () => {
    const [a, b, c] = [await tempDir(), await tempDir(), await tempDir()];
    await writeDataset(a, { customers: 10_000, seed: 5 });
    await writeDataset(b, { customers: 10_000, seed: 5 });
    await writeDataset(c, { customers: 10_000, seed: 6 });
    const [ha, hb, hc] = [await fileHashes(a), await fileHashes(b), await fileHashes(c)];
    expect(Object.keys(ha)).toEqual([...Object.values(DATASET_FILES), GROUND_TRUTH_FILE].sort());
    expect(hb).toEqual(ha);
    for (const kind of ['customers', 'ties', 'interactions', 'content', 'engagements', 'ratings'] as const) {
      expect(hc[DATASET_FILES[kind]]).not.toBe(ha[DATASET_FILES[kind]]);
    }
    expect(hc[GROUND_TRUTH_FILE]).not.toBe(ha[GROUND_TRUTH_FILE]);
  }, 60_000);

  it('writes what generateDataset yields, reports progress per phase, and a ground truth equal to groundTruth()', async () => {
    const dir = await tempDir();
    const opts = { customers: 2_000, seed: 9, brands: 3 };
    const events: [string, number, number][] = [];
    const result = await writeDataset(dir, { ...opts, onProgress: (p, done, total) => events.push([p, done, total]) });
    const ds = generateDataset(opts);

    expect(result.files.map((f) => f.kind)).toEqual(DATASET_KINDS);
    for (const f of result.files) {
      const text = await readFile(f.file, 'utf8');
      const lines = text.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(f.rows);
      expect(Buffer.byteLength(text)).toBe(f.bytes);
      expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([...ds.rows(f.kind)]);
    }
    const truth = JSON.parse(await readFile(join(dir, GROUND_TRUTH_FILE), 'utf8')) as unknown;
    expect(truth).toEqual(ds.groundTruth());

    const phases = [...new Set(events.map((e) => e[0]))];
    expect(phases).toEqual([
      'model:communities',
      'model:ties',
      'model:closure',
      'model:stances',
      'model:content',
      ...DATASET_KINDS,
      'ground-truth',
    ]);
    for (const kind of [...DATASET_KINDS, 'ground-truth']) {
      const mine = events.filter((e) => e[0] === kind);
      const last = mine[mine.length - 1];
      expect(last[1]).toBe(last[2]);
      expect(mine.every((e, k) => k === 0 || e[1] >= mine[k - 1][1])).toBe(true);
    }
    expect(events.find((e) => e[0] === 'ties')?.[2]).toBe(ds.counts.ties);
  }, 60_000);
});

describe('generateDataset', () => {
  it('yields the same rows each time a kind is iterated', () => {
    const ds = generateDataset({ customers: 1_000, seed: 1 });
    for (const kind of DATASET_KINDS) expect([...ds.rows(kind)]).toEqual([...ds.rows(kind)]);
  });

  it('serialises rows exactly as JSON.stringify does', () => {
    const ds = generateDataset({ customers: 3_000, seed: 2, brands: 3 });
    const check = <K extends DatasetKind>(kind: K): void => {
      const serialize = serializerFor(kind);
      let mismatches = 0;
      for (const row of ds.rows(kind)) if (serialize(row) !== JSON.stringify(row)) mismatches++;
      expect(mismatches, kind).toBe(0);
    };
    for (const kind of DATASET_KINDS) check(kind);
  });

  it('knows its fixed row counts before iterating', () => {
    const ds = generateDataset({ customers: 1_000, seed: 4 });
    expect(ds.counts.customers).toBe(1_000);
    expect([...ds.rows('ties')]).toHaveLength(ds.counts.ties);
    expect([...ds.rows('content')]).toHaveLength(ds.counts.content);
    expect([...ds.rows('products')]).toHaveLength(ds.counts.products);
  });

  it.each([50, 1_000, 3_333])('works at %i customers', (customers) => {
    const ds = generateDataset({ customers, seed: 8, brands: 1 });
    const ids = new Set([...ds.rows('customers')].map((c) => c.id));
    expect(ids.size).toBe(customers);
    let ties = 0;
    for (const t of ds.rows('ties')) {
      expect(ids.has(t.from) && ids.has(t.to)).toBe(true);
      ties++;
    }
    expect(ties / customers).toBeGreaterThan(4);
    expect(ds.groundTruth().superUsers.length).toBeGreaterThanOrEqual(3);
    expect([...ds.rows('brands')].map((b) => b.id)).toEqual(['b1']);
    expect([...ds.rows('interactions')].length).toBeGreaterThan(0);
    expect([...ds.rows('engagements')].length).toBeGreaterThan(0);
  });

  it('rejects bad options with the field at fault', () => {
    const cases: [Parameters<typeof generateDataset>[0], string][] = [
      [{ customers: 10, seed: 1 }, 'customers'],
      [{ customers: 1_000.5, seed: 1 }, 'customers'],
      [{ customers: 1_000, seed: 1.5 }, 'seed'],
      [{ customers: 1_000, seed: 1, brands: 4 }, 'brands'],
      [{ customers: 1_000, seed: 1, now: 'yesterday' }, 'now'],
      [{ customers: 1_000, seed: 1, stanceMix: [0, 0, 0] }, 'stanceMix'],
    ];
    for (const [opts, field] of cases) {
      let error: unknown;
      try {
        generateDataset(opts);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GeneratorOptionsError);
      expect((error as GeneratorOptionsError).field).toBe(field);
      expect((error as GeneratorOptionsError).code).toBe('GENERATOR_INVALID_OPTIONS');
    }
  });

  it('honours the time window and the stance mix', () => {
    const ds = generateDataset({ customers: 2_000, seed: 3, now: '2030-01-01T00:00:00.000Z', days: 365, stanceMix: [1, 0, 0] });
    const start = Date.parse('2029-01-01T00:00:00.000Z');
    const end = Date.parse('2030-01-01T00:00:00.000Z');
    for (const x of ds.rows('interactions')) {
      const t = Date.parse(x.at);
      expect(t >= start && t <= end).toBe(true);
    }
    expect(new Set(Object.values(ds.groundTruth().stances))).toEqual(new Set(['advocate']));
  });
});
