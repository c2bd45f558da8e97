/**
 * Super users: customers ranked by the influence blend (see influence.ts) of the last completed
 * run, with each entry's component values, percentiles and a one-line explanation; filters,
 * sorting by any component, cursor pagination and CSV. Served from the in-memory snapshot.
 */
import { AppError } from './errors.js';
import {
  COMPONENT_FIELD,
  DEFAULT_INFLUENCE_WEIGHTS,
  INFLUENCE_COMPONENTS,
  type InfluenceComponent,
  type InfluenceWeights,
} from './influence.js';
import { decodeRankingCursor, encodeRankingCursor } from './ranking-cursor.js';
import type { ScoreSnapshot } from './score-snapshot.js';
import type { SnapshotService } from './snapshot.service.js';

export const SUPER_USER_SORTS = ['influence', ...INFLUENCE_COMPONENTS] as const;
export type SuperUserSort = (typeof SUPER_USER_SORTS)[number];

export interface CustomerFilter {
  community?: number;
  segment?: string;
  region?: string;
  topic?: string;
  tier?: string;
  minReach?: number;
  /** Extra predicate from other features (e.g. stance), by customer index. */
  where?: (snapshot: ScoreSnapshot, i: number) => boolean;
}

export interface SuperUserQuery extends CustomerFilter {
  weights?: Partial<InfluenceWeights>;
  sort?: SuperUserSort;
  limit: number;
  cursor?: string;
}

/** A ranking other than the influence blend (advocates, detractors): a score per customer, highest first. */
export interface CustomRanking {
  key: string;
  score: (s: ScoreSnapshot, influence: Float64Array) => Float64Array;
}

export interface ComponentView {
  value: number | null;
  percentile: number;
  weight: number;
}

export interface SuperUser {
  rank: number;
  id: string;
  name: string | null;
  handle: string | null;
  segment: string | null;
  region: string | null;
  community: number | null;
  participationTier: string | null;
  influence: number;
  reach1: number | null;
  reach2: number | null;
  components: Record<InfluenceComponent, ComponentView>;
  explanation: string;
}

export interface SuperUserPage {
  runId: string;
  weights: InfluenceWeights;
  sort: SuperUserSort;
  items: SuperUser[];
  nextCursor?: string;
}

const top = (percentile: number) => {
  const share = Math.max(0.1, 100 - percentile);
  return `top ${share < 1 ? share.toFixed(1) : Math.round(share)}%`;
};
const count = (v: number | null) => (v === null ? '?' : Math.round(v).toLocaleString('en-US'));

function phrase(c: InfluenceComponent, s: ScoreSnapshot, i: number, pct: number): string {
  switch (c) {
    case 'pagerank':
      return `PageRank ${top(pct)}`;
    case 'reach':
      return `reaches ${count(s.value('reach2', i))} people within 2 hops (${top(pct)})`;
    case 'amplification':
      return `amplified ${count(s.value('interactionsReceived', i))} times by others (${top(pct)})`;
    case 'bridging':
      return `bridges parts of the network (betweenness ${top(pct)})`;
  }
}

export function resolveWeights(given: Partial<InfluenceWeights> | undefined): InfluenceWeights {
  const weights = { ...DEFAULT_INFLUENCE_WEIGHTS };
  if (given && Object.values(given).some((w) => w !== undefined)) {
    for (const c of INFLUENCE_COMPONENTS) weights[c] = given[c] ?? 0;
  }
  if (INFLUENCE_COMPONENTS.every((c) => weights[c] <= 0)) {
    throw new AppError('VALIDATION_FAILED', 400, 'At least one influence weight must be positive', {
      problems: [{ path: ['query', 'pagerankWeight'], message: 'all weights are 0' }],
    });
  }
  return weights;
}

/** True when customer i is listable and passes the filter. */
export function matches(s: ScoreSnapshot, i: number, f: CustomerFilter): boolean {
  const d = s.data;
  if (d.optedOut[i]) return false;
  if (f.community !== undefined && s.value('community', i) !== f.community) return false;
  if (f.segment !== undefined && d.segment[i] !== f.segment) return false;
  if (f.region !== undefined && d.region[i] !== f.region) return false;
  if (f.tier !== undefined && d.participationTier[i] !== f.tier) return false;
  if (f.topic !== undefined && !d.topics[i].includes(f.topic)) return false;
  if (f.minReach !== undefined && (s.value('reach2', i) ?? 0) < f.minReach) return false;
  if (f.where && !f.where(s, i)) return false;
  return true;
}

/** Pages kept per snapshot (see SuperUsersService.list). */
const PAGES_KEPT = 32;

export class SuperUsersService {
  /**
   * The pages answered from each snapshot, by query. A snapshot never changes (a privacy change
   * makes a new one), so a page stays right as long as its snapshot is current; pages go with their
   * snapshot. Dashboards and marketing tools ask for the same first pages again and again: an
   * answer from here costs no ranking walk and no row building, and the route's serializer keeps
   * the JSON of the same page object too (plainJsonSerializer).
   */
  private readonly pages = new WeakMap<ScoreSnapshot, Map<string, SuperUserPage>>();

  constructor(private readonly snapshots: SnapshotService) {}

  /** The ranking: customer indices in order, with the score array they were ordered by. */
  ranking(s: ScoreSnapshot, weights: InfluenceWeights, sort: SuperUserSort, custom?: CustomRanking): { order: Int32Array; influence: Float64Array } {
    const influence = s.influence(weights);
    if (custom) {
      const key = `${custom.key}:${INFLUENCE_COMPONENTS.map((c) => weights[c]).join(',')}`;
      return { order: s.order(key, custom.score(s, influence)), influence };
    }
    if (sort === 'influence') return { order: s.order(`influence:${INFLUENCE_COMPONENTS.map((c) => weights[c]).join(',')}`, influence), influence };
    const values = s.field(COMPONENT_FIELD[sort]);
    if (!values) throw new AppError('SCORE_NOT_COMPUTED', 409, `The last run did not compute ${sort}; run analytics with it`);
    return { order: s.order(`field:${sort}`, values), influence };
  }

  entry(s: ScoreSnapshot, i: number, rank: number, weights: InfluenceWeights, influence: Float64Array): SuperUser {
    const d = s.data;
    const components = {} as Record<InfluenceComponent, ComponentView>;
    const contributions: [InfluenceComponent, number][] = [];
    for (const c of INFLUENCE_COMPONENTS) {
      const pct = s.componentPercentiles(c)?.[i] ?? 0;
      components[c] = { value: s.value(COMPONENT_FIELD[c], i), percentile: Math.round(pct * 10) / 10, weight: weights[c] };
      if (weights[c] > 0) contributions.push([c, weights[c] * pct]);
    }
    contributions.sort((a, b) => b[1] - a[1]);
    const why = contributions.slice(0, 2).map(([c]) => phrase(c, s, i, components[c].percentile));
    return {
      rank,
      id: d.ids[i],
      name: d.name[i],
      handle: d.handle[i],
      segment: d.segment[i],
      region: d.region[i],
      community: s.value('community', i),
      participationTier: d.participationTier[i],
      influence: Math.round(influence[i] * 100) / 100,
      reach1: s.value('reach1', i),
      reach2: s.value('reach2', i),
      components,
      explanation: `#${rank}, influence ${influence[i].toFixed(1)}/100: ${why.join('; ')}`,
    };
  }

  async list(q: SuperUserQuery, custom?: CustomRanking): Promise<SuperUserPage> {
    const s = await this.snapshots.current();
    // Rankings of other features (custom, or with a predicate of their own) are not kept.
    const key = custom || q.where ? undefined : pageKey(q);
    const kept = key === undefined ? undefined : this.pages.get(s)?.get(key);
    if (kept) return kept;
    const page = this.page(s, q, custom);
    if (key !== undefined) {
      let pages = this.pages.get(s);
      if (!pages) this.pages.set(s, (pages = new Map()));
      if (pages.size >= PAGES_KEPT) pages.delete(pages.keys().next().value!);
      pages.set(key, page);
    }
    return page;
  }

  private page(s: ScoreSnapshot, q: SuperUserQuery, custom?: CustomRanking): SuperUserPage {
    const weights = resolveWeights(q.weights);
    const sort = q.sort ?? 'influence';
    const offset = q.cursor ? decodeRankingCursor(q.cursor, { runId: s.runId, max: s.data.ids.length }) : 0;
    const { order, influence } = this.ranking(s, weights, sort, custom);
    const items: SuperUser[] = [];
    let seen = 0;
    let more = false;
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      if (!matches(s, i, q)) continue;
      if (seen++ < offset) continue;
      if (items.length === q.limit) {
        more = true;
        break;
      }
      items.push(this.entry(s, i, seen, weights, influence));
    }
    return { runId: s.runId, weights, sort, items, nextCursor: more ? encodeRankingCursor(s.runId, offset + q.limit) : undefined };
  }

  /** Every matching customer in ranking order as CSV lines (header first), up to `limit` rows. */
  async *csv(q: Omit<SuperUserQuery, 'cursor'>, custom?: CustomRanking, extra?: CsvExtra): AsyncGenerator<string> {
    const s = await this.snapshots.current();
    const weights = resolveWeights(q.weights);
    const { order, influence } = this.ranking(s, weights, q.sort ?? 'influence', custom);
    yield `${[...CSV_COLUMNS, ...(extra?.columns ?? [])].join(',')}\n`;
    let rank = 0;
    let lines: string[] = [];
    for (let k = 0; k < order.length && rank < q.limit; k++) {
      const i = order[k];
      if (!matches(s, i, q)) continue;
      const e = this.entry(s, i, ++rank, weights, influence);
      const more = extra ? extra.values(s, i).map(csvField) : [];
      lines.push(more.length ? `${csvLine(e).slice(0, -1)},${more.join(',')}\n` : csvLine(e));
      if (lines.length === 1000) {
        yield lines.join('');
        lines = [];
      }
    }
    if (lines.length) yield lines.join('');
  }
}

/** What makes a page of super users: its filters, weights, sort, size and position. */
function pageKey(q: SuperUserQuery): string {
  const { community, segment, region, topic, tier, minReach, weights, sort, limit, cursor } = q;
  return JSON.stringify([community, segment, region, topic, tier, minReach, weights && INFLUENCE_COMPONENTS.map((c) => weights[c]), sort, limit, cursor]);
}

/** Columns appended to the CSV by other rankings (e.g. the stance of advocates). */
export interface CsvExtra {
  columns: string[];
  values: (s: ScoreSnapshot, i: number) => unknown[];
}

export const CSV_COLUMNS = [
  'rank',
  'id',
  'name',
  'handle',
  'segment',
  'region',
  'community',
  'participationTier',
  'influence',
  'pagerank',
  'pagerankPercentile',
  'reach1',
  'reach2',
  'reachPercentile',
  'amplification',
  'amplificationPercentile',
  'betweenness',
  'bridgingPercentile',
  'explanation',
];

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(e: SuperUser): string {
  const c = e.components;
  return (
    [
      e.rank,
      e.id,
      e.name,
      e.handle,
      e.segment,
      e.region,
      e.community,
      e.participationTier,
      e.influence,
      c.pagerank.value,
      c.pagerank.percentile,
      e.reach1,
      e.reach2,
      c.reach.percentile,
      c.amplification.value,
      c.amplification.percentile,
      c.bridging.value,
      c.bridging.percentile,
      e.explanation,
    ]
      .map(csvField)
      .join(',') + '\n'
  );
}
