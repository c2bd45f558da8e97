/** Generates a dataset once per test file and holds all its rows, with index lookups. */
import { generateDataset, type Dataset, type GenerateOptions } from '../../../src/generator/generate.js';
import type { DatasetKind, DatasetRows, GroundTruth } from '../../../src/generator/types.js';
import { DATASET_KINDS } from '../../../src/generator/types.js';
import type { TieArrays } from './graph-metrics.js';

export type AllRows = { [K in DatasetKind]: DatasetRows[K][] };

export interface Loaded {
  dataset: Dataset;
  rows: AllRows;
  truth: GroundTruth;
  /** Customer id → index 0..n-1. */
  index: Map<string, number>;
  ties: TieArrays;
  community: Int32Array;
  /** 0 advocate, 1 passive, 2 detractor */
  stance: Uint8Array;
  isSuper: Uint8Array;
}

export function load(opts: GenerateOptions): Loaded {
  const dataset = generateDataset(opts);
  const rows = {} as { [K in DatasetKind]: unknown[] };
  for (const kind of DATASET_KINDS) rows[kind] = [...dataset.rows(kind)];
  const all = rows as AllRows;
  const truth = dataset.groundTruth();
  const n = all.customers.length;
  const index = new Map(all.customers.map((c, i) => [c.id, i]));
  const m = all.ties.length;
  const ties: TieArrays = { n, from: new Int32Array(m), to: new Int32Array(m), kind: new Uint8Array(m) };
  all.ties.forEach((t, k) => {
    ties.from[k] = index.get(t.from) ?? -1;
    ties.to[k] = index.get(t.to) ?? -1;
    ties.kind[k] = t.kind === 'KNOWS' ? 1 : 0;
  });
  const community = new Int32Array(n);
  const stance = new Uint8Array(n);
  const isSuper = new Uint8Array(n);
  const stanceCode = { advocate: 0, passive: 1, detractor: 2 } as const;
  all.customers.forEach((c, i) => {
    community[i] = truth.communities[c.id];
    stance[i] = stanceCode[truth.stances[c.id]];
  });
  for (const id of truth.superUsers) isSuper[index.get(id) ?? 0] = 1;
  return { dataset, rows: all, truth, index, ties, community, stance, isSuper };
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}
