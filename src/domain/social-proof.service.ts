/**
 * Social proof: how many of a customer's connections engaged with a brand, product, campaign or
 * piece of content — and how many of them positively — with the share of all their connections
 * that is, and the closest such connections with the tie that links them ("12 of your friends like
 * this"). Connections are the people the customer follows or knows (whose activity they see).
 * An engagement is positive when its sentiment is above 0.2, or when it is neutral (|s| ≤ 0.2)
 * and of an approving kind (like, purchase, share, check-in). For a brand, engagements with its
 * products and campaigns count too. Opted-out connections are counted but never named.
 *
 * Answers come from memory: the ties, engagements and brand offers as they stood when the last
 * completed run was adopted (loaded in the background, streamed, when that run changes), with
 * privacy applied live from the score snapshot (opted-out and erased customers never named; erased
 * ones not counted either). Until that is loaded, or for a customer or target the memory does not
 * hold (created since, or with no engagement at all), the answer comes from one database query.
 * Cost from memory: O(ties and engagements of the customer's connections) per request.
 */
import { AppError, notFound } from './errors.js';
import { nextTurn, packStrings, unpackStrings, type PackedStrings } from './packed-strings.js';
import { ENGAGEMENT_KINDS, ENGAGEMENT_TARGETS } from './model.js';
import type { ScoreSnapshot } from './score-snapshot.js';
import { groupBy } from '../analytics/csr.js';
import { Column } from './typed-columns.js';

export type SocialProofTargetKind = (typeof ENGAGEMENT_TARGETS)[number];

export interface EngagedConnection {
  id: string;
  name: string | null;
  tie: { kind: 'FOLLOWS' | 'KNOWS'; weight: number };
  engagement: { kind: string; at: string; sentiment: number; positive: boolean };
}

export interface SocialProofData {
  connections: number;
  engaged: number;
  positive: number;
  closest: EngagedConnection[];
}

/** Streams of what social proof reads, for the in-memory copy (each row delivered once). */
export interface SocialProofRows {
  /** Every FOLLOWS/KNOWS tie between customers, as stored (KNOWS once, in its stored direction). */
  streamTies(onTie: (from: string, to: string, knows: boolean, weight: number) => void): Promise<void>;
  /** Every engagement of a customer: target as `kind:id`, kind, sentiment, time in epoch ms. */
  streamEngagements(onEngagement: (customer: string, target: string, kind: string, sentiment: number, at: number) => void): Promise<void>;
  /** What each brand offers or runs, as `kind:id`. */
  streamOffers(onOffer: (brand: string, target: string) => void): Promise<void>;
}

export interface SocialProofRepository extends SocialProofRows {
  exists(kind: 'customer' | SocialProofTargetKind, id: string): Promise<boolean>;
  /** One round trip; undefined when the customer or the target is not stored. */
  socialProof(customerId: string, target: { kind: SocialProofTargetKind; id: string }, closest: number): Promise<SocialProofData | undefined>;
}

export function parseTarget(target: string): { kind: SocialProofTargetKind; id: string } {
  const match = /^([a-z]+):(.+)$/.exec(target);
  if (!match || !(ENGAGEMENT_TARGETS as readonly string[]).includes(match[1])) {
    throw new AppError('VALIDATION_FAILED', 400, 'The target is invalid', {
      problems: [{ path: ['query', 'target'], message: `must be kind:id with kind one of ${ENGAGEMENT_TARGETS.join(', ')}` }],
    });
  }
  return { kind: match[1] as SocialProofTargetKind, id: match[2] };
}

const POSITIVE_KINDS = new Set(['like', 'purchase', 'share', 'check-in']);
const isPositive = (kind: string, sentiment: number) => sentiment > 0.2 || (Math.abs(sentiment) <= 0.2 && POSITIVE_KINDS.has(kind));

/** A SocialProofMemory as it crosses threads (SocialProofMemory.toTransfer). */
export interface SocialProofTransfer {
  runId: string;
  ids: PackedStrings;
  targets: PackedStrings;
  /** Each brand with what it offers: brand, count, then that many targets. */
  offers: Int32Array;
  kinds: string[];
  tieFrom: Int32Array;
  tieTo: Int32Array;
  tieKnows: Uint8Array;
  tieWeight: Float64Array;
  engOwner: Int32Array;
  engTarget: Int32Array;
  engKind: Uint8Array;
  engSentiment: Float64Array;
  engAt: Float64Array;
  ties: { offsets: Int32Array; order: Int32Array };
  engagements: { offsets: Int32Array; order: Int32Array };
}

/** Ties, engagements and offers held in typed arrays, by customer. */
export class SocialProofMemory {
  private readonly customers = new Map<string, number>();
  private ids: string[] = [];
  private readonly targets = new Map<string, number>();
  private readonly offers = new Map<number, number[]>();
  private tieFrom: Column<Int32Array> = new Column(new Int32Array(16));
  private tieTo: Column<Int32Array> = new Column(new Int32Array(16));
  private tieKnows: Column<Uint8Array> = new Column(new Uint8Array(16));
  private tieWeight: Column<Float64Array> = new Column(new Float64Array(16));
  private engOwner: Column<Int32Array> = new Column(new Int32Array(16));
  private engTarget: Column<Int32Array> = new Column(new Int32Array(16));
  private engKind: Column<Uint8Array> = new Column(new Uint8Array(16));
  private engSentiment: Column<Float64Array> = new Column(new Float64Array(16));
  private engAt: Column<Float64Array> = new Column(new Float64Array(16));
  private ties: { offsets: Int32Array; order: Int32Array } = { offsets: new Int32Array(1), order: new Int32Array(0) };
  private engagements: { offsets: Int32Array; order: Int32Array } = { offsets: new Int32Array(1), order: new Int32Array(0) };
  private kinds: string[] = [...ENGAGEMENT_KINDS];

  constructor(readonly runId: string) {}

  private customer(id: string): number {
    let i = this.customers.get(id);
    if (i === undefined) {
      this.customers.set(id, (i = this.ids.length));
      this.ids.push(id);
    }
    return i;
  }

  private target(key: string): number {
    let i = this.targets.get(key);
    if (i === undefined) this.targets.set(key, (i = this.targets.size));
    return i;
  }

  static async load(runId: string, rows: SocialProofRows): Promise<SocialProofMemory> {
    const m = new SocialProofMemory(runId);
    const tie = (a: number, b: number, knows: number, w: number) => {
      m.tieFrom.push(a);
      m.tieTo.push(b);
      m.tieKnows.push(knows);
      m.tieWeight.push(w);
    };
    await rows.streamTies((from, to, knows, weight) => {
      const a = m.customer(from);
      const b = m.customer(to);
      // The customer sees those they follow and those they know (either direction).
      tie(a, b, knows ? 1 : 0, weight);
      if (knows) tie(b, a, 1, weight);
    });
    await rows.streamEngagements((customer, target, kind, sentiment, at) => {
      let k = m.kinds.indexOf(kind);
      if (k < 0) k = m.kinds.push(kind) - 1;
      m.engOwner.push(m.customer(customer));
      m.engTarget.push(m.target(target));
      m.engKind.push(k);
      m.engSentiment.push(sentiment);
      m.engAt.push(at);
    });
    await rows.streamOffers((brand, target) => {
      const b = m.target(`brand:${brand}`);
      const list = m.offers.get(b) ?? [];
      list.push(m.target(target));
      m.offers.set(b, list);
    });
    m.ties = groupBy(m.tieFrom.data, m.tieFrom.length, m.ids.length);
    m.engagements = groupBy(m.engOwner.data, m.engOwner.length, m.ids.length);
    return m;
  }

  /**
   * The memory as it crosses threads when a worker loads it (social-proof-worker.ts): the typed
   * columns trimmed to their length (transferable), the customer ids and target keys packed.
   */
  toTransfer(): SocialProofTransfer {
    const trim = <T extends Float64Array | Int32Array | Uint8Array>(c: Column<T>) => c.data.slice(0, c.length) as T;
    const offers: number[] = [];
    for (const [brand, list] of this.offers) offers.push(brand, list.length, ...list);
    return {
      runId: this.runId,
      ids: packStrings(this.ids),
      targets: packStrings([...this.targets.keys()]),
      offers: Int32Array.from(offers),
      kinds: this.kinds,
      tieFrom: trim(this.tieFrom),
      tieTo: trim(this.tieTo),
      tieKnows: trim(this.tieKnows),
      tieWeight: trim(this.tieWeight),
      engOwner: trim(this.engOwner),
      engTarget: trim(this.engTarget),
      engKind: trim(this.engKind),
      engSentiment: trim(this.engSentiment),
      engAt: trim(this.engAt),
      ties: this.ties,
      engagements: this.engagements,
    };
  }

  /**
   * The memory a worker loaded. The id and target indexes are rebuilt here 20,000 entries per turn
   * of the event loop (at 100k customers they hold 200,000 entries: one go would hold requests up).
   */
  static async fromTransfer(t: SocialProofTransfer): Promise<SocialProofMemory> {
    const m = new SocialProofMemory(t.runId);
    const index = async (keys: string[], into: Map<string, number>) => {
      for (let i = 0; i < keys.length; i++) {
        into.set(keys[i], i);
        if (i % 20_000 === 19_999) await nextTurn();
      }
    };
    m.ids = unpackStrings(t.ids) as string[];
    await index(m.ids, m.customers);
    await nextTurn();
    await index(unpackStrings(t.targets) as string[], m.targets);
    for (let j = 0; j < t.offers.length; j += 2 + t.offers[j + 1]) m.offers.set(t.offers[j], [...t.offers.subarray(j + 2, j + 2 + t.offers[j + 1])]);
    m.kinds = t.kinds;
    const column = <T extends Float64Array | Int32Array | Uint8Array>(data: T) => Object.assign(new Column(data), { length: data.length });
    m.tieFrom = column(t.tieFrom);
    m.tieTo = column(t.tieTo);
    m.tieKnows = column(t.tieKnows);
    m.tieWeight = column(t.tieWeight);
    m.engOwner = column(t.engOwner);
    m.engTarget = column(t.engTarget);
    m.engKind = column(t.engKind);
    m.engSentiment = column(t.engSentiment);
    m.engAt = column(t.engAt);
    m.ties = t.ties;
    m.engagements = t.engagements;
    return m;
  }

  /**
   * The answer from memory, or undefined when the memory does not hold the customer or the target
   * (the caller then asks the database). `snapshot` supplies names and live privacy.
   */
  answer(customerId: string, target: { kind: SocialProofTargetKind; id: string }, closest: number, snapshot: ScoreSnapshot): SocialProofData | undefined {
    const c = this.customers.get(customerId);
    const t = this.targets.get(`${target.kind}:${target.id}`);
    if (c === undefined || t === undefined || snapshot.erased.has(customerId)) return undefined;
    const wanted = new Set([t, ...(target.kind === 'brand' ? (this.offers.get(t) ?? []) : [])]);
    // Each connection once, through its strongest tie.
    const best = new Map<number, number>();
    const { offsets, order } = this.ties;
    for (let j = offsets[c]; j < offsets[c + 1]; j++) {
      const r = order[j];
      const f = this.tieTo.data[r];
      if (snapshot.erased.has(this.ids[f])) continue;
      const held = best.get(f);
      if (held === undefined || this.tieWeight.data[r] > this.tieWeight.data[held]) best.set(f, r);
    }
    let engaged = 0;
    let positive = 0;
    const listed: (EngagedConnection & { weight: number })[] = [];
    for (const [f, r] of best) {
      let pick = -1;
      let pickPositive = false;
      const e = this.engagements;
      for (let j = e.offsets[f]; j < e.offsets[f + 1]; j++) {
        const x = e.order[j];
        if (!wanted.has(this.engTarget.data[x])) continue;
        const pos = isPositive(this.kinds[this.engKind.data[x]], this.engSentiment.data[x]);
        if (pick < 0 || (pos && !pickPositive) || (pos === pickPositive && this.engAt.data[x] > this.engAt.data[pick])) {
          pick = x;
          pickPositive = pos;
        }
      }
      if (pick < 0) continue;
      engaged++;
      if (pickPositive) positive++;
      const id = this.ids[f];
      if (!snapshot.listable(id)) continue;
      const i = snapshot.index.get(id)!;
      const weight = this.tieWeight.data[r];
      listed.push({
        id,
        name: snapshot.data.name[i] ?? null,
        weight,
        tie: { kind: this.tieKnows.data[r] ? 'KNOWS' : 'FOLLOWS', weight },
        engagement: {
          kind: this.kinds[this.engKind.data[pick]],
          at: new Date(this.engAt.data[pick]).toISOString(),
          sentiment: this.engSentiment.data[pick],
          positive: pickPositive,
        },
      });
    }
    const closestRows = listed
      .sort((a, b) => Number(b.engagement.positive) - Number(a.engagement.positive) || b.weight - a.weight || a.id.localeCompare(b.id))
      .slice(0, closest)
      .map(({ weight: _weight, ...row }) => row);
    return { connections: best.size, engaged, positive, closest: closestRows };
  }
}

/** The part of the snapshot service social proof reads. */
export interface SnapshotReader {
  current(): Promise<ScoreSnapshot>;
}

export class SocialProofService {
  private memory: SocialProofMemory | undefined;
  private loading: { runId: string; done: Promise<void> } | undefined;

  /**
   * `load` builds the memory of a run (the service passes one that loads it in a worker thread:
   * streaming the graph here took the event loop most of 12 s after each run at 100k customers).
   */
  constructor(
    private readonly repo: SocialProofRepository,
    private readonly snapshots?: SnapshotReader,
    private readonly load: (runId: string) => Promise<SocialProofMemory> = (runId) => SocialProofMemory.load(runId, repo),
  ) {}

  /** Loads the memory for the current snapshot's run (shared by concurrent callers; a failure leaves the previous one). */
  refresh(): Promise<void> {
    if (!this.snapshots) return Promise.resolve();
    const snapshots = this.snapshots;
    return (async () => {
      const snapshot = await snapshots.current();
      if (this.memory?.runId === snapshot.runId) return;
      if (this.loading?.runId !== snapshot.runId) {
        const done = this.load(snapshot.runId).then((m) => {
          if (this.loading?.done === done) this.loading = undefined;
          this.memory = m;
        });
        done.catch(() => {
          if (this.loading?.done === done) this.loading = undefined;
        });
        this.loading = { runId: snapshot.runId, done };
      }
      await this.loading.done;
    })();
  }

  /** The answer from memory when it holds the current run, else undefined (and a load is started in the background). */
  private async fromMemory(customerId: string, t: { kind: SocialProofTargetKind; id: string }, closest: number): Promise<SocialProofData | undefined> {
    if (!this.snapshots) return undefined;
    let snapshot: ScoreSnapshot;
    try {
      snapshot = await this.snapshots.current();
    } catch {
      return undefined;
    }
    const memory = this.memory;
    if (memory?.runId !== snapshot.runId) {
      this.refresh().catch(() => undefined);
      return undefined;
    }
    return memory.answer(customerId, t, closest, snapshot);
  }

  async get(customerId: string, target: string, closest = 5) {
    const t = parseTarget(target);
    // The answer and the existence of both ends come from one query; only a miss asks which end is missing.
    const found = (await this.fromMemory(customerId, t, closest)) ?? (await this.repo.socialProof(customerId, t, closest));
    if (!found && !(await this.repo.exists('customer', customerId))) throw notFound('Customer', customerId);
    if (!found && !(await this.repo.exists(t.kind, t.id))) throw notFound(t.kind, t.id);
    const data = found ?? { connections: 0, engaged: 0, positive: 0, closest: [] };
    const share = (k: number) => (data.connections > 0 ? Math.round((k / data.connections) * 10_000) / 10_000 : 0);
    return {
      customerId,
      target: t,
      connections: data.connections,
      engaged: data.engaged,
      engagedShare: share(data.engaged),
      positive: data.positive,
      positiveShare: share(data.positive),
      message:
        data.positive > 0
          ? `${data.positive} of your ${data.connections} connections like this`
          : data.engaged > 0
            ? `${data.engaged} of your ${data.connections} connections engaged with this`
            : 'None of your connections engaged with this yet',
      closest: data.closest,
    };
  }
}
