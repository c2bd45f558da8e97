/**
 * Options and result fields shared by the power-iteration algorithms (PageRank, eigenvector
 * centrality, HITS), and the one place their stopping rule is decided.
 *
 * Stopping rules, both on the L1 norm of the change between successive iterates x and x':
 * - 'networkx': stop when ‖x' − x‖₁ < n · tol — NetworkX's rule for pagerank and
 *   eigenvector_centrality. It loosens as n grows (at tol 1e-6 and 1M nodes it may stop after two
 *   iterations with per-node errors of several percent): use it to reproduce NetworkX.
 * - 'strict': stop when ‖x' − x‖₁ < tol, independent of n: use it when accuracy matters.
 * When maxIter iterations pass without meeting the rule the algorithm throws ConvergenceError
 * (NetworkX's PowerIterationFailedConvergence) unless onNonConvergence is 'return', in which case
 * it returns the last iterate with converged = false.
 */

import type { KernelControl } from './control.js';
import { ConvergenceError, InvalidArgumentError } from './errors.js';

export interface IterationOptions {
  /** Tolerance of the stopping rule (default per algorithm, as NetworkX: 1e-6, HITS 1e-8). */
  tol?: number;
  /** Maximum number of iterations (default 100, as NetworkX). */
  maxIter?: number;
  /** 'networkx' (L1 change < n·tol) or 'strict' (L1 change < tol). Default per algorithm. */
  stopping?: 'networkx' | 'strict';
  /** 'throw' (default) a ConvergenceError, or 'return' the last iterate flagged converged: false. */
  onNonConvergence?: 'throw' | 'return';
  /** Abort signal checked and progress reported once per iteration (progress: iterations over maxIter). */
  control?: KernelControl;
}

export interface IterationResult {
  scores: Float64Array;
  /** Iterations performed. */
  iterations: number;
  converged: boolean;
  /** L1 change measured at the last iteration. */
  delta: number;
}

export interface ResolvedIteration {
  maxIter: number;
  threshold: number;
  throwOnFailure: boolean;
}

export function resolveIteration(
  options: IterationOptions,
  n: number,
  defaults: { tol: number; stopping: 'networkx' | 'strict' },
): ResolvedIteration {
  const tol = options.tol ?? defaults.tol;
  const maxIter = options.maxIter ?? 100;
  if (!(tol > 0) || !Number.isFinite(tol)) throw new InvalidArgumentError(`tol must be a positive number, got ${tol}`);
  if (!Number.isInteger(maxIter) || maxIter < 1) {
    throw new InvalidArgumentError(`maxIter must be a positive integer, got ${maxIter}`);
  }
  const stopping = options.stopping ?? defaults.stopping;
  return {
    maxIter,
    threshold: stopping === 'networkx' ? n * tol : tol,
    throwOnFailure: (options.onNonConvergence ?? 'throw') === 'throw',
  };
}

export function failConvergence(
  algorithm: string,
  it: ResolvedIteration,
  delta: number,
): void {
  if (it.throwOnFailure) throw new ConvergenceError(algorithm, it.maxIter, delta, it.threshold);
}
