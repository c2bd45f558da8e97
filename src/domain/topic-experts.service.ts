/**
 * Topic experts: customers ranked by PageRank personalised on the people who create content about
 * a topic, each creator weighted by the engagement that content receives — Σ over their posts on
 * the topic of (1 + engagements) — on the attention graph of the last completed run (arc u → v:
 * u listens to v). So the ranking favours the creators whose topic content draws engagement and
 * the people those creators listen to. Each entry carries their posts on the topic and engagement
 * counts; filters, cursor pagination and CSV work as for super users; opted-out customers never
 * appear.
 *
 * Cost: one database read of the topic's posts, then O(iterations · (n + m)) for the PageRank
 * (Haveliwala, "Topic-sensitive PageRank", WWW 2002); results are kept per topic for CACHE_MS.
 */
import { pagerank } from '../analytics/index.js';
import { notFound } from './errors.js';
import { DEFAULT_INFLUENCE_WEIGHTS } from './influence.js';
import { decodeRankingCursor, encodeRankingCursor } from './ranking-cursor.js';
import type { ScoreSnapshot } from './score-snapshot.js';
import type { SnapshotService } from './snapshot.service.js';
import { csvField, matches, type CustomerFilter } from './super-users.service.js';

export interface TopicPost {
  id: string;
  kind: string | null;
  createdAt: string | null;
  engagements: number;
}

export interface TopicContentSource {
  topicExists(topic: string): Promise<boolean>;
  /** Customer id → their posts about the topic, newest first. */
  postsAbout(topic: string): Promise<Map<string, TopicPost[]>>;
}

export interface TopicExpert {
  rank: number;
  id: string;
  name: string | null;
  handle: string | null;
  segment: string | null;
  region: string | null;
  community: number | null;
  /** Topic PageRank × number of customers (1 = the average customer). */
  score: number;
  topicPosts: number;
  topicEngagements: number;
  /** Their newest posts on the topic (at most POSTS_SHOWN). */
  posts: TopicPost[];
  influence: number;
  explanation: string;
}

export interface TopicExpertsPage {
  topic: string;
  runId: string;
  creators: number;
  items: TopicExpert[];
  nextCursor?: string;
}

export type ExpertQuery = Omit<CustomerFilter, 'topic'> & { limit: number; cursor?: string };

const CACHE_MS = 60_000;
const POSTS_SHOWN = 5;

interface Ranked {
  at: number;
  key: string;
  creators: number;
  /** Snapshot indices in ranking order, their scores and posts. */
  order: Int32Array;
  score: Float64Array;
  posts: Map<number, TopicPost[]>;
}

export class TopicExpertsService {
  private readonly cache = new Map<string, Ranked>();

  constructor(
    private readonly snapshots: SnapshotService,
    private readonly content: TopicContentSource,
  ) {}

  private async ranked(topic: string): Promise<{ s: ScoreSnapshot; r: Ranked }> {
    const s = await this.snapshots.current();
    const key = `${s.runId}:${s.version}`;
    const hit = this.cache.get(topic);
    if (hit && hit.key === key && Date.now() - hit.at < CACHE_MS) return { s, r: hit };
    if (!(await this.content.topicExists(topic))) throw notFound('Topic', topic);
    const [g, posts] = await Promise.all([this.snapshots.graph(), this.content.postsAbout(topic)]);
    const personalization = new Map<number, number>();
    for (const [id, list] of posts) {
      const v = g.index.get(id);
      if (v !== undefined) personalization.set(v, list.reduce((a, p) => a + 1 + p.engagements, 0));
    }
    const score = new Float64Array(s.n);
    const bySnapshot = new Map<number, TopicPost[]>();
    if (personalization.size > 0) {
      const pr = pagerank(g.attention, { personalization, onNonConvergence: 'return' });
      for (let v = 0; v < g.ids.length; v++) {
        const i = s.index.get(g.ids[v]);
        if (i !== undefined) score[i] = pr.scores[v] * g.ids.length;
      }
    }
    for (const [id, list] of posts) {
      const i = s.index.get(id);
      if (i !== undefined) bySnapshot.set(i, list);
    }
    const order = Int32Array.from({ length: s.n }, (_, i) => i).filter((i) => score[i] > 0);
    const ids = s.data.ids;
    order.sort((a, b) => score[b] - score[a] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
    const r: Ranked = { at: Date.now(), key, creators: personalization.size, order, score, posts: bySnapshot };
    if (this.cache.size >= 16) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(topic, r);
    return { s, r };
  }

  private entry(s: ScoreSnapshot, r: Ranked, i: number, rank: number, influence: Float64Array, topic: string): TopicExpert {
    const d = s.data;
    const posts = r.posts.get(i) ?? [];
    const engagements = posts.reduce((a, p) => a + p.engagements, 0);
    const score = Math.round(r.score[i] * 1000) / 1000;
    const why =
      posts.length > 0
        ? `${posts.length} post(s) on ${topic} with ${engagements} engagement(s)`
        : `listened to by people who post on ${topic}`;
    return {
      rank,
      id: d.ids[i],
      name: d.name[i],
      handle: d.handle[i],
      segment: d.segment[i],
      region: d.region[i],
      community: s.value('community', i),
      score,
      topicPosts: posts.length,
      topicEngagements: engagements,
      posts: posts.slice(0, POSTS_SHOWN),
      influence: Math.round(influence[i] * 100) / 100,
      explanation: `#${rank}, topic score ${score.toFixed(2)}× the average customer: ${why}`,
    };
  }

  async list(topic: string, q: ExpertQuery): Promise<TopicExpertsPage> {
    const { s, r } = await this.ranked(topic);
    const offset = q.cursor ? decodeRankingCursor(q.cursor, { runId: s.runId, max: s.data.ids.length, scope: topic }) : 0;
    const influence = s.influence(DEFAULT_INFLUENCE_WEIGHTS);
    const items: TopicExpert[] = [];
    let seen = 0;
    let more = false;
    for (const i of r.order) {
      if (!matches(s, i, q)) continue;
      if (seen++ < offset) continue;
      if (items.length === q.limit) {
        more = true;
        break;
      }
      items.push(this.entry(s, r, i, seen, influence, topic));
    }
    return { topic, runId: s.runId, creators: r.creators, items, nextCursor: more ? encodeRankingCursor(s.runId, offset + q.limit, topic) : undefined };
  }

  async *csv(topic: string, q: Omit<ExpertQuery, 'cursor'>): AsyncGenerator<string> {
    const { s, r } = await this.ranked(topic);
    const influence = s.influence(DEFAULT_INFLUENCE_WEIGHTS);
    yield `${EXPERT_CSV_COLUMNS.join(',')}\n`;
    let rank = 0;
    let lines: string[] = [];
    for (const i of r.order) {
      if (rank >= q.limit) break;
      if (!matches(s, i, q)) continue;
      const e = this.entry(s, r, i, ++rank, influence, topic);
      lines.push(EXPERT_CSV_COLUMNS.map((c) => csvField(e[c])).join(',') + '\n');
      if (lines.length === 1000) {
        yield lines.join('');
        lines = [];
      }
    }
    if (lines.length) yield lines.join('');
  }
}

export const EXPERT_CSV_COLUMNS = ['rank', 'id', 'name', 'handle', 'segment', 'region', 'community', 'score', 'topicPosts', 'topicEngagements', 'influence', 'explanation'] as const;

