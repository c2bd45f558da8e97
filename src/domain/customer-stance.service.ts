/**
 * One customer's stance toward each brand, explained: the current stance from the last completed
 * run (the in-memory snapshot), the pieces of evidence that make it with each one's weight and
 * contribution, and the stance in every kept completed run.
 *
 * Contributions. With the run's stance parameters and as-of date, evidence item i has a signal
 * s_i and a weight w_i exactly as computeStance (stance.ts) defines them; its contribution is
 * c_i = w_i·s_i / W with W = Σ w_i, so Σ c_i is the stance score. Items dated after the run's
 * as-of date did not exist for the run and are counted apart (`laterEvidence`). The evidence is
 * read from the database now, so it reproduces the run's score unless evidence dated before the
 * as-of date was added or removed since the run; `matchesRun` says whether it does.
 *
 * Cost: O(e log e) for a customer's e pieces of evidence, plus one index seek per kept run.
 * Privacy: a customer erased since the run is not found (404); one who opted out answers 409
 * CUSTOMER_OPTED_OUT, like their metrics.
 */
import { AppError, notFound } from './errors.js';
import { STANCE_CLASSES, type StanceClass } from './scoring.js';
import { classifyNps, computeStance, DEFAULT_STANCE_PARAMS, engagementSignal, npsSignal, type NpsClass, type StanceEvidence, type StanceParams } from './stance.js';
import type { SnapshotService } from './snapshot.service.js';

const DAY_MS = 86_400_000;
/** Tolerance when checking that the contributions reproduce the run's score. */
const EPSILON = 1e-9;

/** One piece of evidence as the repository reads it (dates in epoch milliseconds). */
export interface EvidenceItemRow {
  kind: 'rating' | 'engagement' | 'content';
  brand: string;
  /** Event id (ratings, engagements) or content id. */
  id: string | null;
  /** NPS answer 0..10, or sentiment in [−1, 1]. */
  value: number;
  at: number;
  engagementKind?: string;
  target?: { kind: string; id: string | null };
}

/** The customer's entry in one kept run's stance arrays (one entry per brand of that run). */
export interface StanceHistoryRow {
  runId: string;
  finishedAt: string;
  brands: string[];
  classes: number[];
  scores: number[];
  latestNps: number[];
}

export interface CustomerStanceSource {
  evidence(customerId: string): Promise<EvidenceItemRow[]>;
  /** Newest run first. */
  history(customerId: string): Promise<StanceHistoryRow[]>;
}

export interface ExplainedItem {
  kind: EvidenceItemRow['kind'];
  id: string | null;
  at: string;
  value: number;
  engagementKind?: string;
  target?: { kind: string; id: string | null };
  ageDays: number;
  signal: number;
  weight: number;
  /** weight · signal / total weight: the item's share of the stance score. */
  contribution: number;
  explanation: string;
}

export interface BrandStance {
  brand: string;
  current: {
    stance: StanceClass;
    score: number | null;
    confidence: number;
    latestNps: number | null;
    npsClass: NpsClass | null;
    positive: number;
    negative: number;
    neutral: number;
  };
  evidence: {
    items: ExplainedItem[];
    totalWeight: number;
    contributionSum: number;
    matchesRun: boolean;
    laterEvidence: number;
  };
  history: { runId: string; finishedAt: string; stance: StanceClass; score: number | null; latestNps: number | null }[];
}

export interface CustomerStance {
  customerId: string;
  name: string | null;
  runId: string;
  computedAt: string;
  asOf: string | null;
  params: Omit<StanceParams, 'asOf'>;
  brands: BrandStance[];
}

const signed = (x: number, digits = 2) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x).toFixed(digits)}`;

export class CustomerStanceService {
  constructor(
    private readonly snapshots: SnapshotService,
    private readonly source: CustomerStanceSource,
  ) {}

  async get(id: string, brand?: string): Promise<CustomerStance> {
    const s = await this.snapshots.current();
    const i = s.index.get(id);
    if (i === undefined) throw notFound('Customer with scores', id);
    if (s.data.optedOut[i]) throw new AppError('CUSTOMER_OPTED_OUT', 409, `Customer '${id}' opted out of analytics`);
    const st = s.data.stance;
    const runBrands = st?.brands ?? [];
    if (brand !== undefined && !runBrands.includes(brand)) throw notFound('Brand scored in the last run', brand);
    const brands = brand === undefined ? runBrands : [brand];

    const run = s.data.run;
    const asOfText = (run.summary.stance as { asOf?: string } | undefined)?.asOf ?? null;
    const runParams = (run.params as { stance?: Partial<StanceParams> }).stance ?? {};
    const params: Omit<StanceParams, 'asOf'> = { ...DEFAULT_STANCE_PARAMS };
    for (const key of Object.keys(params) as (keyof typeof params)[]) {
      if (typeof runParams[key] === 'number') params[key] = runParams[key];
    }
    const asOf = asOfText === null ? Date.parse(run.finishedAt) : Date.parse(asOfText);

    const [rows, history] = brands.length === 0 ? [[], []] : await Promise.all([this.source.evidence(id), this.source.history(id)]);
    const result: BrandStance[] = brands.map((b) => {
      const bi = runBrands.indexOf(b);
      const now = s.stanceOf(i, bi);
      const latest = st!.latestNps[i * runBrands.length + bi];
      const explained = explain(rows.filter((r) => r.brand === b), { ...params, asOf });
      const matchesRun =
        explained.stance.stance === now.stance && (now.score === null || Math.abs(explained.contributionSum - now.score) <= EPSILON);
      return {
        brand: b,
        current: {
          stance: now.stance,
          score: now.score,
          confidence: explained.stance.confidence,
          latestNps: latest >= 0 ? latest : null,
          npsClass: latest >= 0 ? classifyNps(latest) : null,
          positive: explained.stance.evidence.positive,
          negative: explained.stance.evidence.negative,
          neutral: explained.stance.evidence.neutral,
        },
        evidence: {
          items: explained.items,
          totalWeight: explained.stance.evidence.weight,
          contributionSum: explained.contributionSum,
          matchesRun,
          laterEvidence: explained.later,
        },
        history: history.flatMap((h) => {
          const k = h.brands.indexOf(b);
          if (k < 0 || k >= h.classes.length) return [];
          const stance = STANCE_CLASSES[h.classes[k]] ?? 'unknown';
          const nps = h.latestNps[k];
          return [{ runId: h.runId, finishedAt: h.finishedAt, stance, score: stance === 'unknown' ? null : h.scores[k], latestNps: nps !== undefined && nps >= 0 ? nps : null }];
        }),
      };
    });
    return { customerId: id, name: s.data.name[i], runId: s.runId, computedAt: run.finishedAt, asOf: asOfText, params, brands: result };
  }
}

/**
 * Signals, weights and contributions of one brand's evidence, as computeStance weighs them, and
 * computeStance's own answer on the same evidence (the two sums agree by construction).
 */
export function explain(rows: EvidenceItemRow[], p: StanceParams) {
  const decay = (at: number) => Math.pow(2, -(p.asOf - at) / DAY_MS / p.halfLifeDays);
  const counted = rows.filter((r) => r.at <= p.asOf);
  // Oldest first, ties by id: of two answers on the same date the later-listed is the newer one.
  counted.sort((a, b) => a.at - b.at || String(a.id).localeCompare(String(b.id)));
  const ratings = counted.filter((r) => r.kind === 'rating');
  const evidence: StanceEvidence = {
    ratings: ratings.map((r) => ({ score: r.value, at: r.at })),
    engagements: counted.filter((r) => r.kind === 'engagement').map((r) => ({ sentiment: r.value, kind: r.engagementKind ?? '', at: r.at })),
    content: counted.filter((r) => r.kind === 'content').map((r) => ({ sentiment: r.value, at: r.at })),
  };
  const stance = computeStance(evidence, p);

  const items = counted.map((r) => {
    const ageDays = (p.asOf - r.at) / DAY_MS;
    const fresh = `${decay(r.at).toFixed(3)} for its age (${ageDays.toFixed(0)} days, half-life ${p.halfLifeDays})`;
    let signal: number;
    let weight: number;
    let explanation: string;
    if (r.kind === 'rating') {
      // Later answers: those after this one in date order (same rule as computeStance).
      const newer = ratings.length - 1 - ratings.indexOf(r);
      signal = npsSignal(r.value);
      weight = p.npsWeight * decay(r.at) * Math.pow(p.supersededFactor, newer);
      explanation =
        `NPS answer ${r.value} (${classifyNps(r.value)}): signal ${signed(signal)}; weight ${p.npsWeight} × ${fresh}` +
        (newer > 0 ? ` × ${p.supersededFactor}^${newer} (${newer} later answer${newer > 1 ? 's' : ''})` : ' (latest answer)');
    } else if (r.kind === 'engagement') {
      signal = engagementSignal(r.value, r.engagementKind ?? '');
      weight = p.engagementWeight * decay(r.at);
      const on = r.target ? ` on ${r.target.kind} ${r.target.id ?? ''}`.trimEnd() : '';
      const source = r.value !== 0 ? `sentiment ${signed(r.value)}` : signal !== 0 ? `no sentiment recorded, the prior of a ${r.engagementKind} ${signed(signal)}` : `no sentiment recorded, neutral`;
      explanation = `${r.engagementKind || 'engagement'}${on}: ${source}; weight ${p.engagementWeight} × ${fresh}`;
    } else {
      signal = r.value;
      weight = p.contentWeight * decay(r.at);
      explanation = `post about the brand: sentiment ${signed(signal)}; weight ${p.contentWeight} × ${fresh}`;
    }
    return { r, ageDays, signal, weight, explanation };
  });
  const total = stance.evidence.weight;
  const explained: ExplainedItem[] = items.map(({ r, ageDays, signal, weight, explanation }) => ({
    kind: r.kind,
    id: r.id,
    at: new Date(r.at).toISOString(),
    value: r.value,
    ...(r.engagementKind !== undefined ? { engagementKind: r.engagementKind } : {}),
    ...(r.target ? { target: r.target } : {}),
    ageDays: Math.round(ageDays * 10) / 10,
    signal,
    weight,
    contribution: total > 0 ? (weight * signal) / total : 0,
    explanation,
  }));
  const contributionSum = explained.reduce((sum, x) => sum + x.contribution, 0);
  // Newest first, as the page lists them (ties by id).
  explained.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : String(a.id).localeCompare(String(b.id))));
  return { items: explained, stance, contributionSum, later: rows.length - counted.length };
}
