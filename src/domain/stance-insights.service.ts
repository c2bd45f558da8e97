/**
 * The brand-facing side of stance: a brand's NPS and influence-weighted NPS with their trend,
 * advocates and detractors ranked by influence × strength of stance, and the lifecycle — who moved
 * toward advocate and who slid toward detractor between two runs. Also the signed-trust lists:
 * customers ranked by trust, distrust or net trust (signed PageRank), either way round.
 */
import { AppError, notFound } from './errors.js';
import type { ScoreSnapshot } from './score-snapshot.js';
import { STANCE_CLASSES, type StanceClass } from './scoring.js';
import type { SnapshotService } from './snapshot.service.js';
import type { CsvExtra, CustomRanking, SuperUser, SuperUserQuery, SuperUsersService } from './super-users.service.js';

export interface RunStance {
  runId: string;
  finishedAt: string;
  ids: string[];
  brands: string[];
  classes: number[];
  scores: number[];
}

export interface StanceHistorySource {
  /** The kept stance arrays of a completed run (undefined when the run or its results are gone). */
  runStance(runId: string): Promise<RunStance | undefined>;
}

export type Side = 'advocate' | 'detractor';

export interface StanceListEntry extends SuperUser {
  stance: { brand: string; stance: StanceClass; score: number | null };
  rankScore: number;
}

export const TRUST_SORTS = ['netTrust', 'trust', 'distrust'] as const;
export type TrustSort = (typeof TRUST_SORTS)[number];
export type SortOrder = 'desc' | 'asc';

export interface TrustListEntry extends SuperUser {
  trust: { trust: number | null; distrust: number | null; netTrust: number | null };
}

const TRUST_COLUMNS = ['trust', 'distrust', 'netTrust'] as const;

const CLASS_ORDER: Record<StanceClass, number> = { unknown: -1, detractor: 0, passive: 1, advocate: 2 };

export class StanceInsightsService {
  private readonly runStanceCache = new Map<string, Promise<RunStance | undefined>>();

  constructor(
    private readonly snapshots: SnapshotService,
    private readonly superUsers: SuperUsersService,
    private readonly history: StanceHistorySource,
  ) {}

  private brand(s: ScoreSnapshot, brand: string | undefined): { b: number; id: string } {
    if (!s.data.stance) throw new AppError('SCORE_NOT_COMPUTED', 409, 'The last run did not compute stances; run analytics with the stance phase');
    const b = s.brandIndex(brand);
    if (b === undefined) throw notFound('Brand with stances', brand ?? '');
    return { b, id: s.data.stance.brands[b] };
  }

  async brandSummary(brandId: string) {
    const s = await this.snapshots.current();
    const { id } = this.brand(s, brandId);
    const latest = s.data.history.find((h) => h.runId === s.runId)?.stance?.[id];
    if (!latest) throw notFound('Brand with stances', brandId);
    return {
      brandId: id,
      runId: s.runId,
      computedAt: s.data.run.finishedAt,
      ...latest,
      trend: s.data.history
        .filter((h) => h.stance?.[id])
        .map((h) => ({
          runId: h.runId,
          finishedAt: h.finishedAt,
          nps: h.stance![id].nps,
          weightedNps: h.stance![id].weightedNps,
          advocates: h.stance![id].advocates,
          detractors: h.stance![id].detractors,
        })),
    };
  }

  /** Ranking of one side: influence (0..100) × |stance score|, only customers on that side. */
  private ranking(s: ScoreSnapshot, side: Side, b: number): CustomRanking {
    const B = s.data.stance!.brands.length;
    return {
      key: `${side}:${b}`,
      score: (snap, influence) => {
        const st = snap.data.stance!;
        const out = new Float64Array(snap.n).fill(-Infinity);
        const wanted = STANCE_CLASSES.indexOf(side);
        for (let i = 0; i < snap.n; i++) {
          if (st.classes[i * B + b] === wanted) out[i] = influence[i] * Math.abs(st.scores[i * B + b]);
        }
        return out;
      },
    };
  }

  async list(side: Side, brand: string | undefined, q: SuperUserQuery) {
    const s = await this.snapshots.current();
    const { b, id } = this.brand(s, brand);
    const wanted = STANCE_CLASSES.indexOf(side);
    const B = s.data.stance!.brands.length;
    const where = (snap: ScoreSnapshot, i: number) => snap.data.stance!.classes[i * B + b] === wanted && (!q.where || q.where(snap, i));
    const page = await this.superUsers.list({ ...q, where }, this.ranking(s, side, b));
    const items: StanceListEntry[] = page.items.map((e) => {
      const i = s.index.get(e.id)!;
      const stance = s.stanceOf(i, b);
      const rankScore = Math.round(e.influence * Math.abs(stance.score ?? 0) * 100) / 100;
      return {
        ...e,
        stance: { brand: id, ...stance },
        rankScore,
        explanation: `#${e.rank} ${side} of ${id} (stance ${(stance.score ?? 0).toFixed(2)}, influence ${e.influence.toFixed(1)}/100): ${e.explanation.replace(/^#\d+, influence [^:]+: /, '')}`,
      };
    });
    return { ...page, brand: id, side, items };
  }

  async *csv(side: Side, brand: string | undefined, q: Omit<SuperUserQuery, 'cursor'>): AsyncGenerator<string> {
    const s = await this.snapshots.current();
    const { b, id } = this.brand(s, brand);
    const wanted = STANCE_CLASSES.indexOf(side);
    const B = s.data.stance!.brands.length;
    const where = (snap: ScoreSnapshot, i: number) => snap.data.stance!.classes[i * B + b] === wanted;
    const extra: CsvExtra = {
      columns: ['brand', 'stance', 'stanceScore'],
      values: (snap, i) => {
        const st = snap.stanceOf(i, b);
        return [id, st.stance, st.score === null ? null : Math.round(st.score * 1e4) / 1e4];
      },
    };
    yield* this.superUsers.csv({ ...q, where }, this.ranking(s, side, b), extra);
  }

  /** The signed-trust ranking: one of trust, distrust, net trust, highest (desc) or lowest (asc) first; customers without a value last. */
  private trustRanking(s: ScoreSnapshot, sort: TrustSort, order: SortOrder): CustomRanking {
    if (!s.field(sort)) throw new AppError('SCORE_NOT_COMPUTED', 409, `The last run did not compute ${sort}; run analytics with the trust phase`);
    return {
      key: `trust:${sort}:${order}`,
      score: (snap) => {
        const values = snap.field(sort)!;
        if (order === 'desc') return values;
        const out = new Float64Array(values.length);
        for (let i = 0; i < values.length; i++) out[i] = -values[i];
        return out;
      },
    };
  }

  async trustList(sort: TrustSort, order: SortOrder, q: SuperUserQuery) {
    const s = await this.snapshots.current();
    const page = await this.superUsers.list(q, this.trustRanking(s, sort, order));
    const items: TrustListEntry[] = page.items.map((e) => {
      const i = s.index.get(e.id)!;
      const trust = { trust: s.value('trust', i), distrust: s.value('distrust', i), netTrust: s.value('netTrust', i) };
      const shown = trust[sort];
      return {
        ...e,
        trust,
        explanation: `#${e.rank} by ${sort} (${order === 'desc' ? 'highest' : 'lowest'} first): ${sort} ${shown === null ? '?' : shown.toPrecision(3)}, influence ${e.influence.toFixed(1)}/100`,
      };
    });
    return { runId: page.runId, sort, order, weights: page.weights, items, nextCursor: page.nextCursor };
  }

  async *trustCsv(sort: TrustSort, order: SortOrder, q: Omit<SuperUserQuery, 'cursor'>): AsyncGenerator<string> {
    const s = await this.snapshots.current();
    const extra: CsvExtra = { columns: [...TRUST_COLUMNS], values: (snap, i) => TRUST_COLUMNS.map((f) => snap.value(f, i)) };
    yield* this.superUsers.csv(q, this.trustRanking(s, sort, order), extra);
  }

  private runStance(runId: string): Promise<RunStance | undefined> {
    let cached = this.runStanceCache.get(runId);
    if (!cached) {
      if (this.runStanceCache.size >= 4) this.runStanceCache.delete(this.runStanceCache.keys().next().value as string);
      this.runStanceCache.set(runId, (cached = this.history.runStance(runId)));
    }
    return cached;
  }

  /**
   * Stance transitions of the brand between run `since` (default: the previous completed run) and
   * the last one: the matrix of class changes, and the customers who rose toward advocate or slid
   * toward detractor the most (by the change of their stance score).
   */
  async transitions(since: string | undefined, brand: string | undefined, limit: number) {
    const s = await this.snapshots.current();
    const { b, id } = this.brand(s, brand);
    const sinceId = since ?? s.data.history.find((h) => h.runId !== s.runId && h.stance?.[id])?.runId;
    if (!sinceId) throw new AppError('NO_PREVIOUS_RUN', 409, 'There is no earlier completed run with stances to compare with');
    if (sinceId === s.runId) throw new AppError('VALIDATION_FAILED', 400, '`since` must name an earlier run', { problems: [{ path: ['query', 'since'], message: 'is the latest run' }] });
    const before = await this.runStance(sinceId);
    if (!before) throw notFound('Analytics run with kept results', sinceId);
    const bb = before.brands.indexOf(id);
    if (bb < 0) throw notFound('Brand in that run', id);
    const beforeIndex = new Map(before.ids.map((cid, i) => [cid, i]));
    const matrix: Record<string, Record<string, number>> = {};
    for (const from of STANCE_CLASSES) matrix[from] = Object.fromEntries(STANCE_CLASSES.map((to) => [to, 0]));
    type Move = { id: string; name: string | null; from: StanceClass; to: StanceClass; scoreBefore: number | null; scoreAfter: number | null; change: number };
    const moves: Move[] = [];
    const Bb = before.brands.length;
    for (let i = 0; i < s.n; i++) {
      if (s.data.optedOut[i]) continue;
      const cid = s.data.ids[i];
      const j = beforeIndex.get(cid);
      if (j === undefined) continue;
      const from = (STANCE_CLASSES[before.classes[j * Bb + bb]] ?? 'unknown') as StanceClass;
      const now = s.stanceOf(i, b);
      matrix[from][now.stance]++;
      const scoreBefore = from === 'unknown' ? null : before.scores[j * Bb + bb];
      const change = (now.score ?? 0) - (scoreBefore ?? 0);
      if (from !== now.stance || Math.abs(change) > 1e-9) {
        moves.push({ id: cid, name: s.data.name[i], from, to: now.stance, scoreBefore, scoreAfter: now.score, change: Math.round(change * 1e4) / 1e4 });
      }
    }
    const rising = moves
      .filter((m) => m.change > 0 || CLASS_ORDER[m.to] > CLASS_ORDER[m.from])
      .sort((x, y) => y.change - x.change || x.id.localeCompare(y.id));
    const sliding = moves
      .filter((m) => m.change < 0 || CLASS_ORDER[m.to] < CLASS_ORDER[m.from])
      .sort((x, y) => x.change - y.change || x.id.localeCompare(y.id));
    return {
      brand: id,
      since: { runId: sinceId, finishedAt: before.finishedAt },
      until: { runId: s.runId, finishedAt: s.data.run.finishedAt },
      matrix,
      toAdvocate: moves.filter((m) => m.to === 'advocate' && m.from !== 'advocate').length,
      toDetractor: moves.filter((m) => m.to === 'detractor' && m.from !== 'detractor').length,
      rising: rising.slice(0, limit),
      sliding: sliding.slice(0, limit),
    };
  }
}
