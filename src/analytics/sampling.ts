/**
 * Choice of source nodes for the all-sources shortest-path measures (closeness, harmonic):
 * every node when the graph is small enough, otherwise a uniform sample without replacement
 * drawn with a seed. Shared so that both measures resolve their options the same way.
 *
 * Cost: O(n) for the sample (partial Fisher–Yates, see random.ts).
 */

import type { KernelControl } from './control.js';
import { InvalidArgumentError } from './errors.js';
import { createRng, sampleWithoutReplacement } from './random.js';

export const DEFAULT_SAMPLING_SEED = 42;

export interface SourceSamplingOptions {
  /** Number of sampled sources. Default: all (exact) when n <= maxExactNodes, else defaultSamples. */
  samples?: number;
  /** Largest n computed exactly when `samples` is not given. Default 5000. */
  maxExactNodes?: number;
  /** Sources sampled when n > maxExactNodes and `samples` is not given. Default 256. */
  defaultSamples?: number;
  /** Seed of the sample. Default 42. */
  seed?: number;
  /** Abort signal checked and progress reported every few sources. */
  control?: KernelControl;
}

/** null means "every node"; otherwise the sorted sampled sources (at least 2, fewer than n). */
export function resolveSources(n: number, options: SourceSamplingOptions): Int32Array | null {
  const maxExact = options.maxExactNodes ?? 5000;
  const k = options.samples ?? (n <= maxExact ? n : options.defaultSamples ?? 256);
  if (!Number.isInteger(k) || k < 2) throw new InvalidArgumentError(`samples must be an integer >= 2, got ${k}`);
  if (k >= n) return null;
  return sampleWithoutReplacement(n, k, createRng(options.seed ?? DEFAULT_SAMPLING_SEED));
}
