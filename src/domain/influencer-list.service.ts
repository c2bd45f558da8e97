/**
 * Influencer lists: a named set of customers (from a campaign plan or picked by hand) attached to
 * a campaign, each member with a rank and a reason; create, read, replace, edit, delete, export
 * as CSV; and for any list the unique people its members reach at one and two hops, the overlap
 * of their audiences, and the expected spread by forward simulation.
 *
 * Privacy: opted-out customers are never added, drop out of every list when they opt out, and are
 * filtered out when a list is read (so a list read in between never shows them); erasure deletes
 * the customer node and with it the membership.
 *
 * Reach: a member's audience is the people who listen to them (in-arcs of the attention graph of
 * the last completed run); reach1 = |∪ audiences| without the members, reach2 adds the audiences
 * of those people. O(Σ audience sizes) for reach; O(k · Σ|A|) for the k × k overlap matrix (its
 * first OVERLAP_MAX members by rank).
 */
import { randomUUID } from 'node:crypto';
import { AppError, notFound, validationError, type Problem } from './errors.js';
import { DEFAULT_INFLUENCE_WEIGHTS } from './influence.js';
import { DEFAULT_PROJECTION } from './projection.js';
import type { ScoreSnapshot } from './score-snapshot.js';
import type { SnapshotService, WrittenCustomer } from './snapshot.service.js';
import type { CampaignPlanService } from './campaign/campaign-plan.service.js';
import { audience, diffusionArcs } from './campaign/diffusion-input.js';
import { runInWorker } from './campaign/seed-runner.js';
import type { SeedTask, SpreadFigures } from './campaign/seed-task.js';
import { csvField } from './super-users.service.js';

export const OVERLAP_MAX = 100;
export const LIST_MAX_MEMBERS = 5000;

export interface InfluencerListMember {
  rank: number;
  id: string;
  reason: string | null;
}

export interface InfluencerList {
  id: string;
  name: string;
  description: string | null;
  campaignId: string;
  planId: string | null;
  createdAt: string;
  updatedAt: string;
  members: InfluencerListMember[];
}

export interface InfluencerListSummary {
  id: string;
  name: string;
  description: string | null;
  campaignId: string;
  planId: string | null;
  createdAt: string;
  updatedAt: string;
  memberCount: number;
}

export interface MemberView extends InfluencerListMember {
  name: string | null;
  handle: string | null;
  segment: string | null;
  region: string | null;
  community: number | null;
  influence: number | null;
  reach1: number | null;
  reach2: number | null;
  stance: string | null;
}

export interface InfluencerListRepository {
  campaignExists(id: string): Promise<boolean>;
  /** Of the given ids: those stored, and those stored and opted out. */
  customers(ids: string[]): Promise<{ known: Set<string>; optedOut: Set<string> }>;
  create(list: InfluencerList): Promise<void>;
  /** Replaces properties and members; false when the list does not exist. */
  replace(list: InfluencerList): Promise<boolean>;
  /** The list with its members in rank order, opted-out customers left out. */
  get(id: string): Promise<InfluencerList | undefined>;
  list(campaignId: string | undefined, limit: number): Promise<InfluencerListSummary[]>;
  delete(id: string): Promise<boolean>;
  /** Deletes every list membership of these customers (those opted out). */
  removeMembers(customerIds: string[]): Promise<number>;
}

export interface MemberInput {
  id: string;
  reason?: string;
}

export interface ListInput {
  name: string;
  description?: string;
  campaignId: string;
  planId?: string;
  members?: MemberInput[];
}

export interface ListPatch {
  name?: string;
  description?: string | null;
  add?: MemberInput[];
  remove?: string[];
}

export interface ListReach {
  listId: string;
  runId: string;
  members: number;
  /** Members the run's graph does not hold (new since the run). */
  notInGraph: string[];
  reach1: number;
  reach2: number;
  overlap: { members: string[]; shared: number[][]; jaccard: number[][]; truncated: boolean };
  spread: SpreadFigures & { model: 'ic' | 'lt'; expected: number };
}

export type SpreadRunner = (task: SeedTask) => Promise<SpreadFigures>;

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

export class InfluencerListService {
  constructor(
    private readonly lists: InfluencerListRepository,
    private readonly snapshots: SnapshotService,
    private readonly plans: CampaignPlanService,
    private readonly spreadRunner: SpreadRunner = (task) => runInWorker(task) as Promise<SpreadFigures>,
  ) {}

  private async membersOf(input: { planId?: string; members?: MemberInput[] }, path: string[]): Promise<InfluencerListMember[]> {
    let given: MemberInput[] = input.members ?? [];
    if (input.planId) {
      const plan = await this.plans.get(input.planId);
      if (plan.status !== 'completed' || !plan.result) {
        throw new AppError('PLAN_NOT_COMPLETED', 409, `Campaign plan '${plan.id}' is ${plan.status}; only a completed plan can be saved as a list`);
      }
      given = [...plan.result.seeds.map((s) => ({ id: s.id, reason: s.reason })), ...given];
    }
    const seen = new Set<string>();
    const unique = given.filter((m) => !seen.has(m.id) && seen.add(m.id));
    if (unique.length > LIST_MAX_MEMBERS) throw validationError('Too many members', [{ path: [...path, 'members'], message: `at most ${LIST_MAX_MEMBERS}` }]);
    const { known, optedOut } = await this.lists.customers(unique.map((m) => m.id));
    const problems: Problem[] = [];
    unique.forEach((m, j) => {
      if (!known.has(m.id) || optedOut.has(m.id)) problems.push({ path: [...path, 'members', j, 'id'], message: `'${m.id}' is not a customer who can be listed` });
    });
    if (problems.length) throw validationError('Some members cannot be listed', problems);
    return unique.map((m, j) => ({ rank: j + 1, id: m.id, reason: m.reason ?? null }));
  }

  async create(input: ListInput): Promise<InfluencerList> {
    if (!(await this.lists.campaignExists(input.campaignId))) throw notFound('Campaign', input.campaignId);
    const now = new Date().toISOString();
    const list: InfluencerList = {
      id: randomUUID(),
      name: input.name,
      description: input.description ?? null,
      campaignId: input.campaignId,
      planId: input.planId ?? null,
      createdAt: now,
      updatedAt: now,
      members: await this.membersOf(input, ['body']),
    };
    await this.lists.create(list);
    return list;
  }

  async get(id: string): Promise<InfluencerList> {
    const list = await this.lists.get(id);
    if (!list) throw notFound('Influencer list', id);
    return list;
  }

  list(campaignId: string | undefined, limit: number): Promise<InfluencerListSummary[]> {
    return this.lists.list(campaignId, limit);
  }

  /** Replaces a list's name, description, campaign and members. */
  async replace(id: string, input: ListInput): Promise<InfluencerList> {
    const before = await this.get(id);
    if (input.campaignId !== before.campaignId && !(await this.lists.campaignExists(input.campaignId))) throw notFound('Campaign', input.campaignId);
    const list: InfluencerList = {
      ...before,
      name: input.name,
      description: input.description ?? null,
      campaignId: input.campaignId,
      planId: input.planId ?? null,
      updatedAt: new Date().toISOString(),
      members: await this.membersOf(input, ['body']),
    };
    if (!(await this.lists.replace(list))) throw notFound('Influencer list', id);
    return list;
  }

  /** Renames, re-describes, adds members (at the end) and removes members. */
  async patch(id: string, patch: ListPatch): Promise<InfluencerList> {
    const before = await this.get(id);
    const remove = new Set(patch.remove ?? []);
    const kept = before.members.filter((m) => !remove.has(m.id));
    const have = new Set(kept.map((m) => m.id));
    const added = await this.membersOf({ members: (patch.add ?? []).filter((m) => !have.has(m.id)) }, ['body', 'add']);
    const members = [...kept, ...added].map((m, j) => ({ ...m, rank: j + 1 }));
    if (members.length > LIST_MAX_MEMBERS) throw validationError('Too many members', [{ path: ['body', 'add'], message: `at most ${LIST_MAX_MEMBERS}` }]);
    const list: InfluencerList = {
      ...before,
      name: patch.name ?? before.name,
      description: patch.description === undefined ? before.description : patch.description,
      updatedAt: new Date().toISOString(),
      members,
    };
    if (!(await this.lists.replace(list))) throw notFound('Influencer list', id);
    return list;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.lists.delete(id))) throw notFound('Influencer list', id);
  }

  /** Opted-out customers leave every list (called after customers are written). */
  async customersWritten(rows: readonly WrittenCustomer[]): Promise<void> {
    const out = rows.filter((r) => r.optedOut === true).map((r) => r.id);
    if (out.length) await this.lists.removeMembers(out);
  }

  /** Members with their scores from the last completed run (blank when there is none). */
  async view(id: string): Promise<{ list: InfluencerList; runId: string | null; members: MemberView[] }> {
    const list = await this.get(id);
    let s: ScoreSnapshot | undefined;
    try {
      s = await this.snapshots.current();
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'NO_COMPLETED_RUN')) throw error;
    }
    const influence = s?.influence(DEFAULT_INFLUENCE_WEIGHTS);
    const members = list.members
      .filter((m) => {
        const i = s?.index.get(m.id);
        return i === undefined || s!.data.optedOut[i] === 0;
      })
      .map((m): MemberView => {
        const i = s?.index.get(m.id);
        if (!s || i === undefined) return { ...m, name: null, handle: null, segment: null, region: null, community: null, influence: null, reach1: null, reach2: null, stance: null };
        const b = s.brandIndex();
        return {
          ...m,
          name: s.data.name[i],
          handle: s.data.handle[i],
          segment: s.data.segment[i],
          region: s.data.region[i],
          community: s.value('community', i),
          influence: influence ? Math.round(influence[i] * 100) / 100 : null,
          reach1: s.value('reach1', i),
          reach2: s.value('reach2', i),
          stance: b !== undefined && s.data.stance ? s.stanceOf(i, b).stance : null,
        };
      });
    return { list, runId: s?.runId ?? null, members };
  }

  async *csv(id: string): AsyncGenerator<string> {
    const { members } = await this.view(id);
    yield `${CSV_COLUMNS.join(',')}\n`;
    const lines = members.map((m) => CSV_COLUMNS.map((c) => csvField(m[c])).join(',') + '\n');
    for (let j = 0; j < lines.length; j += 1000) yield lines.slice(j, j + 1000).join('');
  }

  /** Unique reach at one and two hops, audience overlap and expected spread of a list. */
  async reach(id: string, options: { model: 'ic' | 'lt'; simulations: number; seed: number }): Promise<ListReach> {
    const list = await this.get(id);
    const s = await this.snapshots.current();
    const g = await this.snapshots.graph();
    const members: number[] = [];
    const notInGraph: string[] = [];
    for (const m of list.members) {
      const v = g.index.get(m.id);
      if (v === undefined || !s.index.has(m.id)) notInGraph.push(m.id);
      else if (s.listable(m.id)) members.push(v);
    }
    const n = g.ids.length;
    const isMember = new Uint8Array(n);
    for (const v of members) isMember[v] = 1;
    const hop = new Uint8Array(n);
    const first: number[] = [];
    for (const v of members) {
      for (const u of audience(g, v)) {
        if (isMember[u] || hop[u]) continue;
        hop[u] = 1;
        first.push(u);
      }
    }
    let reach2 = first.length;
    for (const u of first) {
      for (const w of audience(g, u)) {
        if (isMember[w] || hop[w]) continue;
        hop[w] = 2;
        reach2++;
      }
    }
    const shown = members.slice(0, OVERLAP_MAX);
    const stamp = new Int32Array(n).fill(-1);
    const size = shown.map((v) => audience(g, v).length);
    const shared = shown.map(() => new Array<number>(shown.length).fill(0));
    shown.forEach((v, a) => {
      for (const u of audience(g, v)) stamp[u] = a;
      shown.forEach((w, b) => {
        if (b < a) return;
        let c = 0;
        for (const u of audience(g, w)) if (stamp[u] === a) c++;
        shared[a][b] = shared[b][a] = c;
      });
    });
    const jaccard = shared.map((row, a) => row.map((c, b) => (size[a] + size[b] - c > 0 ? round(c / (size[a] + size[b] - c)) : 0)));
    const interactionWeight = s.data.run.params.projection?.interactionWeight ?? DEFAULT_PROJECTION.interactionWeight;
    const spread = await this.spreadRunner({
      kind: 'spread',
      arcs: diffusionArcs(g, interactionWeight),
      rule: { kind: 'interactions' },
      model: options.model,
      runs: options.simulations,
      seed: options.seed,
      seeds: members,
    });
    return {
      listId: list.id,
      runId: s.runId,
      members: members.length,
      notInGraph,
      reach1: first.length,
      reach2,
      overlap: { members: shown.map((v) => g.ids[v]), shared, jaccard, truncated: members.length > shown.length },
      spread: {
        model: options.model,
        expected: round(spread.mean, 2),
        mean: round(spread.mean, 2),
        low: round(spread.low, 2),
        high: round(spread.high, 2),
        stdev: round(spread.stdev, 2),
        runs: spread.runs,
      },
    };
  }
}

export const CSV_COLUMNS = ['rank', 'id', 'name', 'handle', 'segment', 'region', 'community', 'influence', 'reach1', 'reach2', 'stance', 'reason'] as const;
