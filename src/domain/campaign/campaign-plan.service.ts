/**
 * Campaign plans as jobs: a plan asks for the k customers (or the customers a budget affords) who
 * together are expected to reach the most people, under a diffusion model, on the graph of the
 * last completed analytics run. POST queues it (202); it runs off the request path in a worker
 * thread, one plan at a time per process, reporting its phase and the samples drawn; the result
 * lists the seeds in order with their marginal gains and why they were picked, the expected reach
 * with a 95% band from independent forward simulations, the reach by community and by stance, and
 * the same figures for the naive list (top super users by influence under the same constraints).
 *
 * Plans are stored (status, progress and result) so that finished ones outlive a restart. A plan
 * this process was computing when it stopped is marked `interrupted` on close; one left `running`
 * by a process that died is marked `interrupted` once its heartbeat (progress saved at least every
 * HEARTBEAT_MS) is older than STALE_MS.
 */
import { randomUUID } from 'node:crypto';
import { AppError, conflict, notFound, validationError, type Problem } from '../errors.js';
import type { ScoreSnapshot } from '../score-snapshot.js';
import { DEFAULT_INFLUENCE_WEIGHTS } from '../influence.js';
import type { Logger } from '../analytics-run.service.js';
import { silentLogger } from '../analytics-run.service.js';
import type { SnapshotService } from '../snapshot.service.js';
import { STANCE_CLASSES, type StanceClass } from '../scoring.js';
import { CampaignPlanParamsSchema, type CampaignPlanParams } from './plan-params.js';
import { groupCommunity, groupStance, planTask, stanceClass, type PlanContext } from './plan-inputs.js';
import { audience } from './diffusion-input.js';
import { runInWorker, SeedTaskAborted } from './seed-runner.js';
import type { PlanTaskResult, SeedTask, SeedTaskProgress, SeedTaskResult, SpreadFigures } from './seed-task.js';

export const PLAN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export interface PlanProgress {
  phase: string;
  /** Reverse-reachable sets (IMM) or Monte-Carlo estimates (CELF) drawn so far. */
  samples: number;
  done: number;
  total: number;
}

export interface ReachFigures {
  /** Expected number of customers activated (seeds included). */
  expected: number;
  /** 95% band of the mean: expected ± 1.96 · stdev / √simulations. */
  low: number;
  high: number;
  stdev: number;
  simulations: number;
  /** expected / customers in the graph. */
  share: number;
  byCommunity: { community: number | null; expected: number }[];
  byStance: Record<StanceClass, number>;
  /** Share of the expected reach that lands on detractors of the brand. */
  detractorShare: number;
}

export interface PlanSeed {
  rank: number;
  id: string;
  name: string | null;
  handle: string | null;
  segment: string | null;
  region: string | null;
  community: number | null;
  communitySize: number | null;
  /** People who listen to this customer (one hop). */
  audience: number;
  reach2: number | null;
  influence: number;
  stance: StanceClass;
  cost: number | null;
  forced: boolean;
  /** Expected additional people reached by adding this seed (on the selection's samples). */
  marginalGain: number;
  reason: string;
}

export interface PlanResult {
  runId: string;
  brand: string | null;
  customers: number;
  candidates: number;
  candidatesWithoutCost: number;
  seeds: PlanSeed[];
  totalCost: number | null;
  estimatedSpread: number;
  samples: number;
  /** True when IMM stopped sampling at its memory bound before the θ its guarantee needs. */
  capped: boolean;
  /** With a budget: which greedy won ('unit-cost' by gain, or 'cost-effective' by gain / cost). */
  budgetRule: string | null;
  reach: ReachFigures;
  naive: { description: string; seeds: string[]; totalCost: number | null; reach: ReachFigures };
  /** expected reach of the plan − that of the naive list. */
  gain: number;
}

export interface CampaignPlan {
  id: string;
  status: PlanStatus;
  params: CampaignPlanParams;
  runId?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  updatedAt: string;
  progress: PlanProgress;
  message?: string;
  result?: PlanResult;
}

export interface CampaignPlanRepository {
  save(plan: CampaignPlan): Promise<void>;
  get(id: string): Promise<CampaignPlan | undefined>;
  list(limit: number): Promise<CampaignPlan[]>;
  /** Cost of every customer that has the property (numbers only). */
  costs(attribute: string): Promise<Map<string, number>>;
}

/** Runs a seed task somewhere off the event loop (a worker thread by default). */
export type SeedTaskRunner = (task: SeedTask, onProgress: (p: SeedTaskProgress) => void, signal: AbortSignal) => Promise<SeedTaskResult>;

const HEARTBEAT_MS = 5_000;
const STALE_MS = 60_000;

interface Handle {
  plan: CampaignPlan;
  abort: AbortController;
  done: Promise<void>;
  resolve: () => void;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export class CampaignPlanService {
  private readonly handles = new Map<string, Handle>();
  private readonly queue: Handle[] = [];
  private active: Handle | undefined;
  private stopped = false;

  constructor(
    private readonly snapshots: SnapshotService,
    private readonly plans: CampaignPlanRepository,
    private readonly runner: SeedTaskRunner = runInWorker,
    private readonly log: Logger = silentLogger,
  ) {}

  /** Validates and queues a plan; 409 when no analytics run has completed. */
  async start(input: unknown): Promise<CampaignPlan> {
    if (this.stopped) throw new AppError('SERVICE_STOPPING', 503, 'The service is stopping; ask again shortly', { retriable: true });
    const parsed = CampaignPlanParamsSchema.safeParse(input ?? {});
    if (!parsed.success) {
      throw new AppError('VALIDATION_FAILED', 400, 'The plan parameters are invalid', {
        problems: parsed.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)], message: i.message, code: i.code })),
      });
    }
    const s = await this.snapshots.current();
    checkAgainst(parsed.data, s);
    const now = new Date().toISOString();
    const plan: CampaignPlan = {
      id: randomUUID(),
      status: 'queued',
      params: parsed.data,
      runId: s.runId,
      createdAt: now,
      updatedAt: now,
      progress: { phase: 'queued', samples: 0, done: 0, total: 0 },
    };
    await this.plans.save(plan);
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const handle: Handle = { plan, abort: new AbortController(), done, resolve };
    this.handles.set(plan.id, handle);
    this.queue.push(handle);
    this.pump();
    return { ...plan };
  }

  async get(id: string): Promise<CampaignPlan> {
    const local = this.handles.get(id);
    if (local) return { ...local.plan };
    const plan = await this.plans.get(id);
    if (!plan) throw notFound('Campaign plan', id);
    if ((plan.status === 'running' || plan.status === 'queued') && Date.now() - Date.parse(plan.updatedAt) > STALE_MS) {
      plan.status = 'interrupted';
      plan.message = 'The process computing this plan stopped; start it again';
      plan.updatedAt = new Date().toISOString();
      await this.plans.save(plan);
    }
    return plan;
  }

  async list(limit = 20): Promise<CampaignPlan[]> {
    const stored = await this.plans.list(limit);
    return stored.map((p) => (this.handles.has(p.id) ? { ...this.handles.get(p.id)!.plan } : p));
  }

  /** Cancels a queued or running plan of this process; 409 for a finished one. */
  async cancel(id: string): Promise<CampaignPlan> {
    const handle = this.handles.get(id);
    if (!handle) {
      const plan = await this.get(id);
      if (plan.status === 'running' || plan.status === 'queued') {
        throw conflict('PLAN_ELSEWHERE', `Campaign plan '${id}' is being computed by another process; cancel it there`);
      }
      throw conflict('PLAN_NOT_RUNNING', `Campaign plan '${id}' is ${plan.status}, not running`);
    }
    handle.abort.abort();
    const queued = this.queue.indexOf(handle);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      await this.finish(handle, 'cancelled', 'Cancelled before it started');
    }
    await handle.done;
    return this.get(id);
  }

  /** Waits for a plan of this process to finish (CLI, tests). */
  async wait(id: string): Promise<CampaignPlan> {
    await this.handles.get(id)?.done;
    return this.get(id);
  }

  /** Stops taking plans; queued and running ones end `interrupted`. */
  async park(): Promise<void> {
    this.stopped = true;
    const all = [...this.handles.values()];
    for (const h of all) h.abort.abort();
    this.queue.length = 0;
    await Promise.all(all.map((h) => (h === this.active ? h.done : this.finish(h, 'interrupted', 'The service stopped before this plan ran; start it again'))));
  }

  private pump(): void {
    if (this.active || this.queue.length === 0) return;
    const handle = this.queue.shift()!;
    this.active = handle;
    void this.execute(handle).finally(() => {
      this.active = undefined;
      this.pump();
    });
  }

  private async finish(handle: Handle, status: PlanStatus, message?: string, result?: PlanResult): Promise<void> {
    const plan = handle.plan;
    if (plan.status !== 'queued' && plan.status !== 'running') return;
    const now = new Date().toISOString();
    Object.assign(plan, { status, finishedAt: now, updatedAt: now, message, result });
    try {
      await this.plans.save(plan);
    } catch (error) {
      this.log.error({ err: error, planId: plan.id }, 'could not store the end of a campaign plan');
    } finally {
      this.handles.delete(plan.id);
      handle.resolve();
    }
  }

  private async execute(handle: Handle): Promise<void> {
    const { plan } = handle;
    const now = new Date().toISOString();
    Object.assign(plan, { status: 'running', startedAt: now, updatedAt: now, progress: { phase: 'inputs', samples: 0, done: 0, total: 0 } });
    let lastSave = 0;
    const heartbeat = async (force = false) => {
      if (!force && Date.now() - lastSave < HEARTBEAT_MS) return;
      lastSave = Date.now();
      plan.updatedAt = new Date().toISOString();
      await this.plans.save(plan).catch((error: unknown) => this.log.warn({ err: error, planId: plan.id }, 'could not store campaign plan progress'));
    };
    const timer = setInterval(() => void heartbeat(true), HEARTBEAT_MS);
    timer.unref();
    try {
      await heartbeat(true);
      const s = await this.snapshots.current();
      const graph = await this.snapshots.graph();
      const costs = plan.params.costAttribute ? await this.plans.costs(plan.params.costAttribute) : undefined;
      if (handle.abort.signal.aborted) throw new SeedTaskAborted();
      // Snapshot and graph are the current ones: a run completed meanwhile is the one used.
      plan.runId = s.runId;
      const { task, ctx } = planTask(plan.params, graph, s, costs);
      const out = (await this.runner(
        task,
        (p) => {
          plan.progress = { ...p };
          void heartbeat();
        },
        handle.abort.signal,
      )) as PlanTaskResult;
      await this.finish(handle, 'completed', undefined, planResult(plan.params, ctx, out, task.naive));
      this.log.info({ planId: plan.id, seeds: out.selection.seeds.length, reach: out.plan.mean }, 'campaign plan completed');
    } catch (error) {
      if (error instanceof SeedTaskAborted || handle.abort.signal.aborted) {
        await this.finish(handle, this.stopped ? 'interrupted' : 'cancelled', this.stopped ? 'The service stopped while this plan ran; start it again' : 'Cancelled');
      } else {
        const message = error instanceof AppError ? error.message : 'The plan failed; see the service log';
        if (!(error instanceof AppError)) this.log.error({ err: error, planId: plan.id }, 'campaign plan failed');
        await this.finish(handle, 'failed', error instanceof AppError && error.problems.length ? `${message}: ${error.problems.map((p) => p.message).join('; ')}` : message);
      }
    } finally {
      clearInterval(timer);
    }
  }
}

/** What can be checked before the plan is queued: the brand, and that forced seeds can be seeds. */
function checkAgainst(params: CampaignPlanParams, s: ScoreSnapshot): void {
  const problems: Problem[] = [];
  if (params.brand !== undefined && s.brandIndex(params.brand) === undefined) {
    problems.push({ path: ['body', 'brand'], message: `no stance toward brand '${params.brand}' in run ${s.runId}` });
  }
  const excluded = new Set(params.constraints.exclude);
  params.constraints.include.forEach((id, j) => {
    if (!s.listable(id)) problems.push({ path: ['body', 'constraints', 'include', j], message: `'${id}' is not a customer who can be a seed` });
    else if (excluded.has(id)) problems.push({ path: ['body', 'constraints', 'include', j], message: `'${id}' is also excluded` });
  });
  if (problems.length > 0) throw validationError('The plan cannot be made as asked', problems);
}

function reachFigures(e: SpreadFigures, n: number): ReachFigures {
  const byCommunity = new Map<number, number>();
  const byStance = Object.fromEntries(STANCE_CLASSES.map((c) => [c, 0])) as Record<StanceClass, number>;
  for (const [g, x] of e.byGroup ?? []) {
    const c = groupCommunity(g);
    byCommunity.set(c, (byCommunity.get(c) ?? 0) + x);
    byStance[STANCE_CLASSES[groupStance(g)]] += x;
  }
  for (const c of STANCE_CLASSES) byStance[c] = round(byStance[c]);
  return {
    expected: round(e.mean),
    low: round(e.low),
    high: round(e.high),
    stdev: round(e.stdev),
    simulations: e.runs,
    share: n > 0 ? round(e.mean / n, 4) : 0,
    byCommunity: [...byCommunity]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([community, expected]) => ({ community: community < 0 ? null : community, expected: round(expected) })),
    byStance,
    detractorShare: e.mean > 0 ? round(byStance.detractor / e.mean, 4) : 0,
  };
}

function planResult(params: CampaignPlanParams, ctx: PlanContext, out: PlanTaskResult, naive: number[]): PlanResult {
  const { graph, snapshot: s, sIndex } = ctx;
  const d = s.data;
  const n = graph.ids.length;
  const influence = s.influence(DEFAULT_INFLUENCE_WEIGHTS);
  const forced = new Set(params.constraints.include);
  const costOf = (v: number) => (ctx.cost && Number.isFinite(ctx.cost[v]) ? ctx.cost[v] : null);
  const seeds = out.selection.seeds.map((v: number, j: number): PlanSeed => {
    const i = sIndex[v];
    const community = s.value('community', i);
    const size = community === null ? null : (s.communitySize.get(community) ?? null);
    const listeners = audience(graph, v).length;
    const stance = STANCE_CLASSES[stanceClass(ctx, v)];
    const gain = out.selection.marginalGains[j] ?? 0;
    const isForced = forced.has(graph.ids[v]);
    const why = [
      isForced ? 'forced by the planner' : `adds ${round(gain, 1)} expected people reached`,
      community === null ? 'no community' : `community ${community} (${size} members)`,
      `${listeners} people listen to them`,
      `stance ${stance}${ctx.brandId ? ` toward ${ctx.brandId}` : ''}`,
    ];
    return {
      rank: j + 1,
      id: graph.ids[v],
      name: d.name[i],
      handle: d.handle[i],
      segment: d.segment[i],
      region: d.region[i],
      community,
      communitySize: size,
      audience: listeners,
      reach2: s.value('reach2', i),
      influence: round(influence[i]),
      stance,
      cost: costOf(v),
      forced: isForced,
      marginalGain: round(gain),
      reason: why.join('; '),
    };
  });
  const total = (list: number[]) => (ctx.cost ? round(list.reduce((a, v) => a + (costOf(v) ?? 0), 0)) : null);
  const reach = reachFigures(out.plan, n);
  const naiveReach = reachFigures(out.naive, n);
  return {
    runId: s.runId,
    brand: ctx.brandId ?? null,
    customers: n,
    candidates: ctx.candidates,
    candidatesWithoutCost: ctx.withoutCost,
    seeds,
    totalCost: total(out.selection.seeds),
    estimatedSpread: round(out.selection.estimatedSpread),
    samples: out.selection.samples,
    capped: out.selection.capped === true,
    budgetRule: out.selection.budgetRule ?? null,
    reach,
    naive: {
      description:
        params.budget === undefined
          ? `the top ${naive.length} super users by influence among the same candidates (forced seeds first)`
          : `the top super users by influence among the same candidates that the budget affords, in ranking order (${naive.length})`,
      seeds: naive.map((v) => graph.ids[v]),
      totalCost: total(naive),
      reach: naiveReach,
    },
    gain: round(reach.expected - naiveReach.expected),
  };
}
