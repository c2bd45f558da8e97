/**
 * Defaults of the generator, resolved in one place: the caller's options and the fixed model
 * parameters. Both are recorded in the ground truth so a dataset documents how it was drawn.
 */
import type { GenerateOptions, ModelParams, ResolvedGenerateOptions } from './types.js';

export class GeneratorOptionsError extends Error {
  readonly code = 'GENERATOR_INVALID_OPTIONS';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'GeneratorOptionsError';
  }
}

export const MIN_CUSTOMERS = 50;
export const MAX_CUSTOMERS = 5_000_000;

export const DEFAULT_NOW = '2025-06-30T00:00:00.000Z';

export const MODEL: ModelParams = {
  mechanism: { local: 0.44, popular: 0.34, superUser: 0.18, crossCommunity: 0.04 },
  superUserOwnCommunity: 0.45,
  localWindow: 6,
  knows: { local: 0.5, popular: 0.12, crossCommunity: 0.1, closure: 0.4 },
  followBack: { local: 0.3, popular: 0.15, superUser: 0.01, crossCommunity: 0.1, closure: 0.2 },
  closureRate: 0.12,
  popularityAlpha: 1.6,
  popularityCap: 30,
  superUserAlpha: 1.3,
  activitySigma: 0.8,
  communityAlpha: 1.3,
  communityCap: 40,
  stanceConcentration: 1.5,
  stanceRounds: 3,
  stanceAdoption: 0.5,
  creatorShare: 0.01,
  contributorShare: 0.09,
  amplifySuperUser: 0.5,
};

/** Communities grow sub-linearly with the network: ~12 at 1k customers, ~60 at 10k, ~1,600 at 1M. */
export function defaultCommunityCount(customers: number): number {
  const meanSize = 80 * Math.pow(customers / 1000, 0.3);
  return Math.max(3, Math.round(customers / meanSize));
}

function check(ok: boolean, field: string, message: string): void {
  if (!ok) throw new GeneratorOptionsError(field, message);
}

export function resolveOptions(opts: GenerateOptions): ResolvedGenerateOptions {
  const { customers, seed } = opts;
  check(
    Number.isInteger(customers) && customers >= MIN_CUSTOMERS && customers <= MAX_CUSTOMERS,
    'customers',
    `must be an integer in ${MIN_CUSTOMERS}..${MAX_CUSTOMERS}`,
  );
  check(Number.isSafeInteger(seed), 'seed', 'must be a safe integer');
  const r: ResolvedGenerateOptions = {
    customers,
    seed,
    brands: opts.brands ?? 2,
    tiesPerCustomer: opts.tiesPerCustomer ?? 10,
    communities: opts.communities ?? defaultCommunityCount(customers),
    superUserShare: opts.superUserShare ?? 0.0075,
    npsShare: opts.npsShare ?? 0.3,
    optedOutShare: opts.optedOutShare ?? 0.02,
    stanceMix: opts.stanceMix ?? [0.35, 0.4, 0.25],
    activity: opts.activity ?? 1,
    now: opts.now ?? DEFAULT_NOW,
    days: opts.days ?? 730,
  };
  check(Number.isInteger(r.brands) && r.brands >= 1 && r.brands <= 3, 'brands', 'must be 1, 2 or 3');
  check(r.tiesPerCustomer >= 1 && r.tiesPerCustomer <= 100, 'tiesPerCustomer', 'must be in 1..100');
  check(
    Number.isInteger(r.communities) && r.communities >= 1 && r.communities <= customers / 5,
    'communities',
    'must be an integer in 1..customers/5',
  );
  check(r.superUserShare >= 0 && r.superUserShare <= 0.05, 'superUserShare', 'must be in 0..0.05');
  check(r.npsShare >= 0 && r.npsShare <= 1, 'npsShare', 'must be in 0..1');
  check(r.optedOutShare >= 0 && r.optedOutShare <= 1, 'optedOutShare', 'must be in 0..1');
  check(
    r.stanceMix.length === 3 && r.stanceMix.every((x) => x >= 0) && r.stanceMix.some((x) => x > 0),
    'stanceMix',
    'must be three non-negative weights, not all zero',
  );
  check(r.activity > 0 && r.activity <= 20, 'activity', 'must be in (0, 20]');
  check(Number.isFinite(Date.parse(r.now)), 'now', 'must be an ISO 8601 timestamp');
  check(r.days >= 30 && r.days <= 3650, 'days', 'must be in 30..3650');
  const sum = r.stanceMix[0] + r.stanceMix[1] + r.stanceMix[2];
  r.stanceMix = [r.stanceMix[0] / sum, r.stanceMix[1] / sum, r.stanceMix[2] / sum];
  return r;
}
