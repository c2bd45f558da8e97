/**
 * Per-customer social metrics, communities and network metrics, all read from the last completed
 * run (the in-memory snapshot), with the change since the run before it.
 */
import { AppError, notFound } from './errors.js';
import { DEFAULT_INFLUENCE_WEIGHTS } from './influence.js';
import type { ScoreSnapshot } from './score-snapshot.js';
import type { CommunitySummary, GraphFigures, ScoreField } from './scoring.js';
import type { SnapshotService } from './snapshot.service.js';
import type { SuperUsersService } from './super-users.service.js';

export const CENTRALITIES = [
  'pagerank',
  'betweenness',
  'closeness',
  'harmonic',
  'eigenvector',
  'hubScore',
  'authorityScore',
  'inDegree',
  'outDegree',
  'weightedInDegree',
  'weightedOutDegree',
  'coreNumber',
] as const satisfies readonly ScoreField[];

export interface ScoreWithChange {
  value: number | null;
  percentile: number | null;
  previous: number | null;
  change: number | null;
}

const round = (v: number | null, digits = 6) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

/** One graph's figures as /v1/metrics/network shows them (null for runs that did not compute them). */
function graphView(g: GraphFigures | undefined) {
  if (!g) return null;
  const r = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    arcs: g.arcs,
    density: r(g.density),
    reciprocity: r(g.reciprocity),
    averageClustering: r(g.averageClustering),
    transitivity: r(g.transitivity),
    components: g.components,
    degreeDistribution: g.degreeDistribution,
  };
}

function withChange(s: ScoreSnapshot, field: ScoreField, i: number): ScoreWithChange {
  const value = s.value(field, i);
  const pct = s.percentiles(field)?.[i];
  const previous = s.previous(field, s.data.ids[i]);
  return {
    value,
    percentile: pct === undefined ? null : Math.round(pct * 10) / 10,
    previous,
    change: value !== null && previous !== null ? round(value - previous) : null,
  };
}

/**
 * Rank of every customer among the listed customers (as the super-user list numbers them; 0 = not
 * listed) and how many are listed, in one pass over the ranking.
 */
function listedRanks(s: ScoreSnapshot, order: Int32Array): { ranks: Int32Array; of: number } {
  const ranks = new Int32Array(s.n);
  let of = 0;
  for (let k = 0; k < order.length; k++) {
    if (s.data.optedOut[order[k]]) continue;
    ranks[order[k]] = ++of;
  }
  return { ranks, of };
}

export class InsightsService {
  /** Listed ranks under the default weights, per snapshot instance (a privacy change makes a new instance). */
  private readonly defaultRanks = new WeakMap<ScoreSnapshot, { ranks: Int32Array; of: number }>();

  constructor(
    private readonly snapshots: SnapshotService,
    private readonly superUsers: SuperUsersService,
  ) {}

  private async customerIndex(id: string): Promise<{ s: ScoreSnapshot; i: number }> {
    const s = await this.snapshots.current();
    const i = s.index.get(id);
    if (i === undefined) throw notFound('Customer with scores', id);
    if (s.data.optedOut[i]) throw new AppError('CUSTOMER_OPTED_OUT', 409, `Customer '${id}' opted out of analytics`);
    return { s, i };
  }

  async customerMetrics(id: string) {
    const { s, i } = await this.customerIndex(id);
    const v = (f: ScoreField) => s.value(f, i);
    const community = v('community');
    const influence = s.influence(DEFAULT_INFLUENCE_WEIGHTS);
    let listed = this.defaultRanks.get(s);
    if (!listed) {
      listed = listedRanks(s, this.superUsers.ranking(s, DEFAULT_INFLUENCE_WEIGHTS, 'influence').order);
      this.defaultRanks.set(s, listed);
    }
    const rank = { rank: listed.ranks[i], of: listed.of };
    const previousCommunity = s.previous('community', id);
    return {
      id,
      name: s.data.name[i],
      runId: s.runId,
      computedAt: s.data.run.finishedAt,
      previousRunId: s.data.previousRun?.id ?? null,
      followers: v('followers'),
      following: v('following'),
      reach: { oneHop: withChange(s, 'reach1', i), twoHops: withChange(s, 'reach2', i) },
      amplification: {
        received: withChange(s, 'amplificationReceived', i),
        given: withChange(s, 'amplificationGiven', i),
        interactionsReceived: v('interactionsReceived'),
        interactionsGiven: v('interactionsGiven'),
      },
      engagement: {
        posts: v('posts'),
        engagementsReceived: v('engagementsReceived'),
        engagementsGiven: v('engagementsGiven'),
        ratePerPost: round(v('engagementRate'), 4),
        definition: '(engagements on their content + interactions they received) / pieces of content they posted',
      },
      participationTier: s.data.participationTier[i],
      influence: {
        score: Math.round(influence[i] * 100) / 100,
        rank: rank.rank,
        of: rank.of,
        ...withChange(s, 'influence', i),
      },
      community: {
        id: community,
        size: community === null ? null : (s.communitySize.get(community) ?? null),
        previous: previousCommunity,
        changed: community !== null && previousCommunity !== null ? community !== previousCommunity : null,
      },
      topics: s.data.topics[i],
      centralities: Object.fromEntries(CENTRALITIES.map((f) => [f, withChange(s, f, i)])) as Record<(typeof CENTRALITIES)[number], ScoreWithChange>,
    };
  }

  private communityView(s: ScoreSnapshot, c: CommunitySummary) {
    // Customers erased or opted out since the run are left out of the top members.
    const names = (ids: string[]) => ids.filter((id) => s.listable(id)).map((id) => ({ id, name: s.data.name[s.index.get(id)!] ?? null }));
    return {
      id: c.id,
      size: c.size,
      previousSize: c.previousSize,
      growth: c.size - c.previousSize,
      growthRate: c.previousSize > 0 ? round((c.size - c.previousSize) / c.previousSize, 4) : null,
      density: round(c.density),
      internalTies: c.internalTies,
      attention: c.attentionDensity === undefined ? null : { density: round(c.attentionDensity), internalArcs: c.internalAttentionArcs ?? 0 },
      tiesToOtherCommunities: c.ties,
      topics: c.topics,
      topMembers: names(c.topMembers),
    };
  }

  async communities(limit: number, offset: number) {
    const s = await this.snapshots.current();
    const all = s.data.communities;
    return {
      runId: s.runId,
      total: all.length,
      modularity: (s.data.run.summary.louvain as { modularity?: number } | undefined)?.modularity ?? null,
      items: all.slice(offset, offset + limit).map((c) => this.communityView(s, c)),
    };
  }

  async community(id: number) {
    const s = await this.snapshots.current();
    const c = s.communitiesById.get(id);
    if (!c) throw notFound('Community', String(id));
    return { runId: s.runId, ...this.communityView(s, c) };
  }

  async network() {
    const s = await this.snapshots.current();
    const summary = s.data.run.summary as Record<string, unknown> & {
      network?: Record<string, unknown> & { social?: GraphFigures; attention?: GraphFigures };
      components?: { count: number; largest: number };
      louvain?: { modularity: number; communities: number };
    };
    return {
      runId: s.runId,
      computedAt: s.data.run.finishedAt,
      customers: summary.customers as number,
      ties: { follows: summary.follows as number, knows: summary.knows as number },
      interactions: summary.interactions as number,
      density: (summary.network?.density as number) ?? null,
      reciprocity: (summary.network?.reciprocity as number) ?? null,
      averageClustering: (summary.network?.averageClustering as number) ?? null,
      transitivity: (summary.network?.transitivity as number) ?? null,
      components: summary.components ?? null,
      communities: summary.louvain ? { count: summary.louvain.communities, modularity: summary.louvain.modularity } : null,
      degreeDistribution: (summary.network?.degreeDistribution as { from: number; to: number; customers: number }[]) ?? [],
      timings: s.data.run.phases.map((p) => ({ phase: p.name, ms: p.ms ?? null })),
      // Each graph on its own; runs made before both were computed have null.
      graphs: { social: graphView(summary.network?.social), attention: graphView(summary.network?.attention) },
    };
  }
}
