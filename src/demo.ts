/**
 * Demo data: on the first start against an empty database, a generated customer base
 * (DEMO_CUSTOMERS customers, fixed seed) is loaded so every endpoint shows something at once.
 */
import type { Config } from './config.js';
import type { IngestService } from './domain/ingest.service.js';
import { KIND_NAMES } from './domain/model.js';
import { generateDataset } from './generator/generate.js';

export const DEMO_SEED = 20261129;

/** Loads a generated dataset kind by kind, in reference order. */
export async function loadGeneratedDataset(
  ingest: IngestService,
  customers: number,
  seed: number,
  onProgress: (kind: string, rows: number) => void = () => undefined,
): Promise<Record<string, number>> {
  const dataset = generateDataset({ customers, seed });
  const loaded: Record<string, number> = {};
  for (const kind of KIND_NAMES) {
    const counts = await ingest.ingestStream(kind, dataset.rows(kind), 5_000, (n) => onProgress(kind, n));
    loaded[kind] = counts.received;
  }
  return loaded;
}

export async function loadDemoDataIfEmpty(
  services: { ingest: IngestService; customerCount(): Promise<number> },
  config: Config,
): Promise<boolean> {
  if ((await services.customerCount()) > 0) return false;
  const started = Date.now();
  console.log(`Empty database: loading a demo customer base of ${config.DEMO_CUSTOMERS} customers…`);
  const loaded = await loadGeneratedDataset(services.ingest, config.DEMO_CUSTOMERS, DEMO_SEED);
  const summary = Object.entries(loaded)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  console.log(`Demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${summary}`);
  return true;
}
