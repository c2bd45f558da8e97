/** A dataset: its latent world and the lazy row streams drawn from it. */
import { catalogRows } from './catalog-rows.js';
import { contentRows } from './content.js';
import { customerRows } from './customers.js';
import { engagementRows } from './engagements.js';
import { buildGroundTruth } from './ground-truth.js';
import { interactionRows } from './interactions.js';
import { ratingRows } from './ratings.js';
import { tieRows } from './ties.js';
import type { DatasetKind, DatasetRows, GroundTruth, ResolvedGenerateOptions } from './types.js';
import type { RowProgress } from './util.js';
import type { World } from './world.js';

/** Row counts known before iterating (the per-customer event kinds are counted as they stream). */
export interface KnownCounts {
  customers: number;
  brands: number;
  products: number;
  topics: number;
  campaigns: number;
  ties: number;
  content: number;
}

export interface Dataset {
  readonly options: ResolvedGenerateOptions;
  readonly counts: KnownCounts;
  /**
   * The rows of one kind, lazily. `onProgress(done, total)` counts rows for customers, ties,
   * content and the catalogue kinds, and customers processed for interactions, engagements and
   * ratings.
   */
  rows<K extends DatasetKind>(kind: K, onProgress?: RowProgress): Generator<DatasetRows[K]>;
  groundTruth(): GroundTruth;
}

export function datasetOf(w: World): Dataset {
  const counts: KnownCounts = {
    customers: w.n,
    brands: w.catalog.brands.length,
    products: w.catalog.products.length,
    topics: w.catalog.topics.length,
    campaigns: w.catalog.campaigns.length,
    ties: w.ties.length,
    content: w.content.count,
  };
  const streams: { [K in DatasetKind]: (onProgress?: RowProgress) => Generator<DatasetRows[K]> } = {
    customers: (p) => customerRows(w, p),
    brands: (p) => catalogRows(w.catalog.brands, p),
    products: (p) => catalogRows(w.catalog.products, p),
    topics: (p) => catalogRows(w.catalog.topics, p),
    campaigns: (p) => catalogRows(w.catalog.campaigns, p),
    ties: (p) => tieRows(w, p),
    interactions: (p) => interactionRows(w, p),
    content: (p) => contentRows(w, p),
    engagements: (p) => engagementRows(w, p),
    ratings: (p) => ratingRows(w, p),
  };
  return {
    options: w.options,
    counts,
    rows: <K extends DatasetKind>(kind: K, onProgress?: RowProgress) => streams[kind](onProgress),
    groundTruth: () => buildGroundTruth(w),
  };
}
