/**
 * The read model of the last completed analytics run, held in memory in typed arrays so the
 * ranking endpoints answer in microseconds rather than scanning the database: every customer's
 * scores, their percentile ranks, the previous run's values (for changes), the community
 * summaries and the run's network summary. Opted-out customers stay in the arrays (they are part
 * of the structure) but are never listed. Erasures and opt-out changes made after the run derive a
 * new snapshot (withPrivacy) that shares the scores and caches and changes only the flags.
 */
import {
  COMPONENT_FIELD,
  INFLUENCE_COMPONENTS,
  blendInfluence,
  influenceKey,
  percentileRanks,
  rankOrder,
  snapshotWarmth,
  type InfluenceComponent,
  type InfluenceWeights,
  type SnapshotWarmth,
} from './influence.js';
import { STANCE_CLASSES, type BrandStanceSummary, type CommunitySummary, type ScoreField, type StanceClass } from './scoring.js';

export interface SnapshotRun {
  id: string;
  finishedAt: string;
  summary: Record<string, unknown>;
  phases: { name: string; ms?: number }[];
  params: { projection?: { interactionWeight?: number; halfLifeDays?: number; asOf?: string } };
}

export interface SnapshotData {
  run: SnapshotRun;
  previousRun?: { id: string; finishedAt: string; ids: string[]; fields: Partial<Record<ScoreField, ArrayLike<number>>> };
  ids: string[];
  name: (string | null)[];
  handle: (string | null)[];
  segment: (string | null)[];
  region: (string | null)[];
  optedOut: Uint8Array;
  participationTier: (string | null)[];
  topics: string[][];
  fields: Partial<Record<ScoreField, Float64Array>>;
  communities: CommunitySummary[];
  /** Stance toward each brand of the run, customer-major (i · brands.length + b); absent when the run had no stance phase. */
  stance?: { brands: string[]; classes: Int8Array; scores: Float64Array; latestNps: Int8Array };
  /** Summaries (counts, NPS, reach per brand) of the last completed runs, newest first. */
  history: { runId: string; finishedAt: string; stance?: Record<string, BrandStanceSummary> }[];
}

export class ScoreSnapshot {
  readonly n: number;
  /** Customer id → index, without erased customers. */
  readonly index: Map<string, number>;
  /** Counts the privacy changes applied since the run's snapshot was built (part of cache keys). */
  readonly version: number;
  /** Customers erased since the run. */
  readonly erased: ReadonlySet<string>;
  private readonly percentileCache: Map<ScoreField, Float64Array>;
  private readonly orderCache: Map<string, Int32Array>;
  private readonly scoreCache: Map<string, Float64Array>;
  private readonly previousIndex: Map<string, number> | undefined;
  readonly communitiesById: Map<number, CommunitySummary>;
  readonly communitySize: Map<number, number>;

  constructor(
    readonly data: SnapshotData,
    base?: ScoreSnapshot,
    erased: readonly string[] = [],
  ) {
    this.n = data.ids.length;
    if (base) {
      // A privacy change: scores, their percentiles and orders stay valid (lists skip unlisted customers).
      this.version = base.version + 1;
      this.index = erased.length > 0 ? new Map(base.index) : base.index;
      for (const id of erased) this.index.delete(id);
      this.erased = erased.length > 0 ? new Set([...base.erased, ...erased]) : base.erased;
      this.percentileCache = base.percentileCache;
      this.orderCache = base.orderCache;
      this.scoreCache = base.scoreCache;
      this.previousIndex = base.previousIndex;
      this.communitiesById = base.communitiesById;
      this.communitySize = base.communitySize;
      return;
    }
    this.version = 0;
    this.erased = new Set();
    this.percentileCache = new Map();
    this.orderCache = new Map();
    this.scoreCache = new Map();
    this.index = new Map(data.ids.map((id, i) => [id, i]));
    this.previousIndex = data.previousRun ? new Map(data.previousRun.ids.map((id, i) => [id, i])) : undefined;
    this.communitiesById = new Map(data.communities.map((c) => [c.id, c]));
    this.communitySize = new Map();
    const community = data.fields.community;
    if (community) for (let i = 0; i < this.n; i++) this.communitySize.set(community[i], (this.communitySize.get(community[i]) ?? 0) + 1);
  }

  /**
   * This snapshot with privacy changes applied, sharing its scores and caches: erased customers
   * leave the index and lose their details (never listed, never found); opt-out flags change.
   * Returns this snapshot when nothing changes. O(n) for the copied flag and detail arrays.
   */
  withPrivacy(erase: readonly string[], optedOut: ReadonlyMap<string, boolean>): ScoreSnapshot {
    const gone = erase.filter((id) => this.index.has(id));
    const flips = [...optedOut].filter(([id, out]) => {
      const i = this.index.get(id);
      return i !== undefined && !gone.includes(id) && (this.data.optedOut[i] === 1) !== out;
    });
    if (gone.length === 0 && flips.length === 0) return this;
    const d = this.data;
    const flags = d.optedOut.slice();
    for (const [id, out] of flips) flags[this.index.get(id)!] = out ? 1 : 0;
    let { name, handle, segment, region } = d;
    if (gone.length > 0) {
      [name, handle, segment, region] = [name.slice(), handle.slice(), segment.slice(), region.slice()];
      for (const id of gone) {
        const i = this.index.get(id)!;
        flags[i] = 1;
        name[i] = handle[i] = segment[i] = region[i] = null;
      }
    }
    return new ScoreSnapshot({ ...d, optedOut: flags, name, handle, segment, region }, this, gone);
  }

  /** True when the customer is known to this snapshot (not erased) and has not opted out. */
  listable(id: string): boolean {
    const i = this.index.get(id);
    return i !== undefined && !this.data.optedOut[i];
  }

  /** Index of a brand in the stance arrays (the primary brand when none is named); undefined when unknown. */
  brandIndex(brand?: string): number | undefined {
    const brands = this.data.stance?.brands ?? [];
    if (brands.length === 0) return undefined;
    if (brand === undefined) return 0;
    const b = brands.indexOf(brand);
    return b < 0 ? undefined : b;
  }

  stanceOf(i: number, b: number): { stance: StanceClass; score: number | null } {
    const st = this.data.stance!;
    const k = i * st.brands.length + b;
    const stance = STANCE_CLASSES[st.classes[k]] ?? 'unknown';
    return { stance, score: stance === 'unknown' ? null : st.scores[k] };
  }

  /**
   * Fills the percentiles of every score and the default influence ranking up front, so that no
   * request pays for them: from `warmth` when the scoring worker computed it (the event loop then
   * only adopts the arrays), else computed here (about a second at 100k customers).
   */
  warm(defaultWeights: InfluenceWeights, warmth?: SnapshotWarmth): this {
    const w = warmth && warmth.key === influenceKey(defaultWeights) && warmth.order.length === this.n ? warmth : snapshotWarmth(this.data.fields, this.data.ids, defaultWeights);
    for (const f of Object.keys(this.data.fields) as ScoreField[]) {
      const p = w.percentiles[f];
      if (p) this.percentileCache.set(f, p);
    }
    this.remember(this.scoreCache, w.key, w.influence);
    this.remember(this.orderCache, w.key, w.order);
    return this;
  }

  get runId(): string {
    return this.data.run.id;
  }

  field(name: ScoreField): Float64Array | undefined {
    return this.data.fields[name];
  }

  value(name: ScoreField, i: number): number | null {
    const v = this.data.fields[name]?.[i];
    return v === undefined || Number.isNaN(v) ? null : v;
  }

  /** Mid-rank percentile (0..100) of every customer for a score, computed once per snapshot. */
  percentiles(name: ScoreField): Float64Array | undefined {
    const values = this.data.fields[name];
    if (!values) return undefined;
    let p = this.percentileCache.get(name);
    if (!p) this.percentileCache.set(name, (p = percentileRanks(values)));
    return p;
  }

  componentPercentiles(c: InfluenceComponent): Float64Array | undefined {
    return this.percentiles(COMPONENT_FIELD[c]);
  }

  /** The previous run's value of a score for a customer, or null. */
  previous(name: ScoreField, id: string): number | null {
    const i = this.index.has(id) ? this.previousIndex?.get(id) : undefined;
    if (i === undefined) return null;
    const v = this.data.previousRun?.fields[name]?.[i];
    return v === undefined || v === null || Number.isNaN(v) ? null : v;
  }

  /** Influence with the given weights (0..100), cached per weight vector. */
  influence(weights: InfluenceWeights): Float64Array {
    const key = influenceKey(weights);
    const cached = this.scoreCache.get(key);
    if (cached) return cached;
    const parts: Partial<Record<InfluenceComponent, Float64Array>> = {};
    for (const c of INFLUENCE_COMPONENTS) {
      const p = this.componentPercentiles(c);
      if (p) parts[c] = p;
    }
    const out = blendInfluence(parts, weights, this.n);
    this.remember(this.scoreCache, key, out);
    return out;
  }

  /** Customer indices sorted by a score, highest first (ties by id), cached per key. */
  order(key: string, score: ArrayLike<number>): Int32Array {
    const cached = this.orderCache.get(key);
    if (cached) return cached;
    const order = rankOrder(score, this.data.ids);
    this.remember(this.orderCache, key, order);
    return order;
  }

  private remember<T>(cache: Map<string, T>, key: string, value: T): void {
    if (cache.size >= 32) cache.delete(cache.keys().next().value as string);
    cache.set(key, value);
  }
}
