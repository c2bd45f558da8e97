/**
 * Typed errors thrown by the analytics kernel.
 *
 * Every error carries a stable UPPER_SNAKE `code` and says whether retrying the same call could
 * succeed (`retriable`): none of these can, since the kernel is pure and deterministic — the
 * caller must change the input or the options. Messages describe the input, never internal state
 * the caller cannot act on. Modelled on NetworkX's exception hierarchy
 * (NetworkXPointlessConcept, PowerIterationFailedConvergence, NetworkXError).
 */

export type AnalyticsErrorCode =
  | 'EMPTY_GRAPH'
  | 'NO_CONVERGENCE'
  | 'INVALID_ARGUMENT'
  | 'INVALID_GRAPH'
  | 'NOT_IMPLEMENTED_FOR_UNDIRECTED';

/** Root of every error the analytics kernel throws on purpose. */
export class AnalyticsError extends Error {
  readonly code: AnalyticsErrorCode;
  readonly retriable = false;

  constructor(code: AnalyticsErrorCode, message: string) {
    super(message);
    this.name = 'AnalyticsError';
    this.code = code;
  }
}

/** An iterative algorithm (PageRank, eigenvector, HITS) did not meet its tolerance in maxIter. */
export class ConvergenceError extends AnalyticsError {
  readonly iterations: number;
  /** Last change measured by the stopping rule (L1 norm between successive iterates). */
  readonly delta: number;

  constructor(algorithm: string, iterations: number, delta: number, threshold: number) {
    super(
      'NO_CONVERGENCE',
      `${algorithm} did not converge in ${iterations} iterations ` +
        `(last L1 change ${delta.toExponential(3)}, needed < ${threshold.toExponential(3)})`,
    );
    this.name = 'ConvergenceError';
    this.iterations = iterations;
    this.delta = delta;
  }
}

/** The algorithm is undefined on a graph with no nodes (or, for modularity, no edge weight). */
export class EmptyGraphError extends AnalyticsError {
  constructor(what: string) {
    super('EMPTY_GRAPH', `${what} is not defined for an empty graph`);
    this.name = 'EmptyGraphError';
  }
}

/** An option or an argument is out of its domain (negative alpha, unknown node index, ...). */
export class InvalidArgumentError extends AnalyticsError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
    this.name = 'InvalidArgumentError';
  }
}

/** The edge list cannot form a graph (endpoint out of range, NaN or negative weight, ...). */
export class InvalidGraphError extends AnalyticsError {
  constructor(message: string) {
    super('INVALID_GRAPH', message);
    this.name = 'InvalidGraphError';
  }
}

/** The algorithm is only defined for directed graphs (NetworkX's NetworkXNotImplemented). */
export class NotDirectedError extends AnalyticsError {
  constructor(algorithm: string) {
    super('NOT_IMPLEMENTED_FOR_UNDIRECTED', `${algorithm} is only defined for directed graphs`);
    this.name = 'NotDirectedError';
  }
}
