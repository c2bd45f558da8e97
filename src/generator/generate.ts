/**
 * Realistic synthetic customer social graphs for influence-graph: deterministic for a seed,
 * streamed row by row, from a thousand to a few million customers.
 *
 *   const ds = generateDataset({ customers: 10_000, seed: 42 });
 *   for (const tie of ds.rows('ties')) …
 *   await writeDataset('data/demo', { customers: 100_000, seed: 42, onProgress });
 *
 * The latent model (communities, popularity, ties, stances, content plan) is built once in
 * typed arrays; rows are produced lazily from it, each kind from its own random stream, so a
 * kind can be iterated any number of times and always yields the same rows. See README.md.
 */
import { datasetOf, type Dataset } from './dataset.js';
import { resolveOptions } from './params.js';
import type { GenerateOptions } from './types.js';
import { buildWorldSync } from './world.js';

export type { Dataset, KnownCounts } from './dataset.js';
export { GeneratorOptionsError } from './params.js';
export type { RowProgress } from './util.js';
export { writeDataset, type ProgressCallback, type WriteDatasetOptions, type WriteDatasetResult, type WrittenFile } from './write.js';
export * from './types.js';

/** Builds the latent model (O(customers + ties) memory) and returns its row streams. */
export function generateDataset(opts: GenerateOptions): Dataset {
  return datasetOf(buildWorldSync(resolveOptions(opts)));
}
