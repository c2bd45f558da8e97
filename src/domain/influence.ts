/**
 * The influence score: a blend of four signals, each turned into a percentile rank over the whole
 * customer base so that they share a scale:
 *
 *   influence = Σ_k w_k · percentile_k / Σ_k w_k        (0..100)
 *
 *   pagerank       PageRank on the weighted attention graph (who the network listens to)
 *   reach          unique people within 2 hops along FOLLOWS/KNOWS (audience size, counted once)
 *   amplification  decayed interactions received from others (shares, mentions, replies…)
 *   bridging       betweenness (sits on the paths between otherwise distant people)
 *
 * Default weights 0.4 / 0.25 / 0.25 / 0.1; any weights can be given per request. Percentiles are
 * mid-ranks: 100 · (#below + ½ · #equal) / n.
 */
export const INFLUENCE_COMPONENTS = ['pagerank', 'reach', 'amplification', 'bridging'] as const;
export type InfluenceComponent = (typeof INFLUENCE_COMPONENTS)[number];
export type InfluenceWeights = Record<InfluenceComponent, number>;

export const DEFAULT_INFLUENCE_WEIGHTS: InfluenceWeights = { pagerank: 0.4, reach: 0.25, amplification: 0.25, bridging: 0.1 };

/** The stored score behind each component. */
export const COMPONENT_FIELD = {
  pagerank: 'pagerank',
  reach: 'reach2',
  amplification: 'amplificationReceived',
  bridging: 'betweenness',
} as const;

/**
 * Mid-rank percentiles (0..100) of the values; NaN values rank lowest. O(n log n): the values are
 * sorted as a typed array (the engine's numeric sort, no comparator call per pair: a comparator
 * sort of a million indices took about 0.4 s per score, and a run's read model ranks some thirty
 * scores), each run of equal values, from sorted position `lo` up to `hi` (excluded), gets
 * 100 · (lo + (hi − lo) / 2) / n, and each value finds its run by binary search.
 */
export function percentileRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = Number.isNaN(values[i]) ? -Infinity : values[i];
  const sorted = key.slice().sort();
  // The distinct values in order, each with its run's percentile (−0 and 0 are one value).
  const distinct = new Float64Array(n);
  const percentile = new Float64Array(n);
  let d = 0;
  for (let lo = 0; lo < n; ) {
    let hi = lo + 1;
    while (hi < n && sorted[hi] === sorted[lo]) hi++;
    distinct[d] = sorted[lo];
    percentile[d++] = (100 * (lo + (hi - lo) / 2)) / n;
    lo = hi;
  }
  for (let i = 0; i < n; i++) {
    const v = key[i];
    let lo = 0;
    let hi = d - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (distinct[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = percentile[lo];
  }
  return out;
}

/** Blends component percentiles with the weights; components without data are left out (weights renormalised). */
export function blendInfluence(percentiles: Partial<Record<InfluenceComponent, ArrayLike<number>>>, weights: InfluenceWeights, n: number): Float64Array {
  const out = new Float64Array(n);
  let total = 0;
  for (const c of INFLUENCE_COMPONENTS) if (percentiles[c] && weights[c] > 0) total += weights[c];
  if (total === 0) return out;
  for (const c of INFLUENCE_COMPONENTS) {
    const p = percentiles[c];
    const w = weights[c];
    if (!p || w <= 0) continue;
    for (let i = 0; i < n; i++) out[i] += (w * p[i]) / total;
  }
  return out;
}

/** 90-9-1 participation: creators (top 1% by activity, with content), contributors (next 9%, any activity), lurkers. */
export const PARTICIPATION_TIERS = ['creator', 'contributor', 'lurker'] as const;
export type ParticipationTier = (typeof PARTICIPATION_TIERS)[number];

/**
 * Activity = 3 · posts + interactions given + engagements given. Customers are ranked by activity;
 * the top 1% of the base who posted anything are creators, the next 9% with any activity are
 * contributors, everyone else is a lurker. With fewer active customers the tiers are smaller.
 */
export function participationTiers(posts: Int32Array, interactionsGiven: Int32Array, engagementsGiven: Int32Array): ParticipationTier[] {
  const n = posts.length;
  const activity = Array.from({ length: n }, (_, i) => 3 * posts[i] + interactionsGiven[i] + engagementsGiven[i]);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => activity[b] - activity[a] || a - b);
  const tiers: ParticipationTier[] = new Array(n).fill('lurker');
  const creators = Math.max(1, Math.round(n * 0.01));
  const contributors = Math.max(1, Math.round(n * 0.09));
  let made = 0;
  let contributed = 0;
  for (const i of order) {
    if (activity[i] === 0) break;
    if (made < creators && posts[i] > 0) {
      tiers[i] = 'creator';
      made++;
    } else if (contributed < contributors) {
      tiers[i] = 'contributor';
      contributed++;
    }
  }
  return tiers;
}

/** The cache key of an influence blend: the weights in component order. */
export function influenceKey(weights: InfluenceWeights): string {
  return `influence:${INFLUENCE_COMPONENTS.map((c) => weights[c]).join(',')}`;
}

/** Customer indices sorted by a score, highest first, NaN last, ties by id. O(n log n). */
export function rankOrder(score: ArrayLike<number>, ids: readonly string[]): Int32Array {
  const order = Int32Array.from({ length: ids.length }, (_, i) => i);
  const v = (i: number) => (Number.isNaN(score[i]) ? -Infinity : score[i]);
  order.sort((a, b) => v(b) - v(a) || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  return order;
}

/**
 * What a run's read model computes up front so no request pays for it (about a second at 100k
 * customers): the percentiles of every score, and the influence with the default weights and its
 * order. A pure function of the scores, so the scoring worker computes it next to them and the
 * service's event loop only adopts it (ScoreSnapshot.warm).
 */
export interface SnapshotWarmth {
  percentiles: Record<string, Float64Array>;
  key: string;
  influence: Float64Array;
  order: Int32Array;
}

/**
 * `known` takes what the caller computed already for these scores (the scoring's influence phase:
 * the components' percentiles, by field, and the influence with these weights), so no sort is
 * done twice.
 */
export function snapshotWarmth(
  fields: Record<string, ArrayLike<number> | undefined>,
  ids: readonly string[],
  weights: InfluenceWeights,
  known: { percentiles?: Record<string, Float64Array>; influence?: Float64Array } = {},
): SnapshotWarmth {
  const percentiles: Record<string, Float64Array> = {};
  for (const [f, values] of Object.entries(fields)) if (values) percentiles[f] = known.percentiles?.[f] ?? percentileRanks(values);
  const components: Partial<Record<InfluenceComponent, Float64Array>> = {};
  for (const c of INFLUENCE_COMPONENTS) if (percentiles[COMPONENT_FIELD[c]]) components[c] = percentiles[COMPONENT_FIELD[c]];
  const influence = known.influence ?? blendInfluence(components, weights, ids.length);
  return { percentiles, key: influenceKey(weights), influence, order: rankOrder(influence, ids) };
}
