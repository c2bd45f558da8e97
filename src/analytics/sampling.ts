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

/** Defaults of closeness and harmonic centrality's source sampling, in one place (the run parameters reuse them). */
export const SAMPLING_DEFAULTS = {
  /** Exact up to this many nodes, sampled above. */
  maxExactNodes: 5000,
  /** Sources sampled above maxExactNodes when `samples` is not given. */
  samples: 256,
  seed: 42,
} as const;

export const DEFAULT_SAMPLING_SEED = SAMPLING_DEFAULTS.seed;

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
  const maxExact = options.maxExactNodes ?? SAMPLING_DEFAULTS.maxExactNodes;
  const k = options.samples ?? (n <= maxExact ? n : options.defaultSamples ?? SAMPLING_DEFAULTS.samples);
  if (!Number.isInteger(k) || k < 2) throw new InvalidArgumentError(`samples must be an integer >= 2, got ${k}`);
  if (k >= n) return null;
  return sampleWithoutReplacement(n, k, createRng(options.seed ?? DEFAULT_SAMPLING_SEED));
}
