/**
 * Keeps the in-memory read model (ScoreSnapshot) of the last completed analytics run current:
 * loaded on first use, reloaded when this process completes a run, and checked periodically for
 * runs completed by another process (the CLI, a second service instance).
 *
 * Privacy changes take effect at once: an erasure or an opt-out change made through this process
 * derives a new snapshot (and path graph) before the request answers; one made by another process
 * reaches this one through the privacy log (one numbered event per change, read by the periodic
 * check), so within one poll interval. A gap in the log's numbers (events pruned while this process
 * was not reading) makes the check reload the snapshot from the database instead.
 */
import { createHash } from 'node:crypto';
import { AppError } from './errors.js';
import { DEFAULT_INFLUENCE_WEIGHTS, type SnapshotWarmth } from './influence.js';
import { networkGraphOf, withoutCustomers, type NetworkGraph } from './network-graph.js';
import { DEFAULT_PROJECTION, type Projection, type ProjectionSource } from './projection.js';
import { ScoreSnapshot, type SnapshotData } from './score-snapshot.js';
import type { WarmthTask } from './warmth-worker.runner.js';
import type { AnalyticsRun } from './analytics-run.service.js';
import type { BrandStanceSummary, ScoreField, ScoreSet } from './scoring.js';

export interface CustomerDetails {
  name: (string | null)[];
  handle: (string | null)[];
  segment: (string | null)[];
  region: (string | null)[];
  /** 1 for opted-out customers and for customers no longer stored. */
  optedOut: Uint8Array;
  /** Ids (of those asked about) no longer stored: erased since the run. */
  missing: string[];
}

/** One privacy change as the log records it: an erasure names only a key of the id (see privacyKey). */
export type PrivacyChange = { kind: 'erase'; customerKey: string } | { kind: 'optOut' | 'optIn'; customerId: string };
export type PrivacyEvent = PrivacyChange & { seq: number };

/** The key an erasure is logged under: SHA-256 of the id, so the log never holds an erased id. */
export const privacyKey = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex');

/** A customer as written by an upsert (only what privacy needs). */
export interface WrittenCustomer {
  id: string;
  optedOut?: boolean;
}

export interface SnapshotSource {
  /** Id of the last completed run, or undefined when none has completed. */
  latestCompletedRunId(): Promise<string | undefined>;
  /** The run's read model; `missing` lists its customers no longer stored. */
  load(): Promise<(SnapshotData & { missing?: string[] }) | undefined>;
  /** Who the given customers are, aligned with `ids`. */
  details(ids: readonly string[]): Promise<CustomerDetails>;
  /** Number of the last privacy event (0 when none). */
  privacyHead(): Promise<number>;
  /** The head and the privacy events numbered after `after`, oldest first. */
  privacyEventsAfter(after: number): Promise<{ head: number; events: PrivacyEvent[] }>;
  /** Appends privacy changes to the log. */
  recordPrivacy(changes: PrivacyChange[]): Promise<void>;
}

/** What followRuns needs of a run service (AnalyticsRunService). */
export interface RunEvents {
  onPublishing(listener: (run: AnalyticsRun, projection: Projection) => (() => void) | void): void;
  onCompleted(listener: (run: AnalyticsRun, projection: Projection, result: ScoreSet) => Promise<void> | void): void;
}

interface PendingPrivacy {
  erase: string[];
  optedOut: Map<string, boolean>;
}

export class SnapshotService {
  private snapshot: ScoreSnapshot | undefined;
  private loading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private network: { runId: string; version: number; graph: Promise<NetworkGraph> } | undefined;
  /** Number of the last privacy event the current snapshot reflects. */
  private privacySeq: number | undefined;
  /** Changes applied while snapshots are being built, each re-applied to its snapshot once built. */
  private readonly pending = new Set<PendingPrivacy>();
  /** A run about to become current: its customers' details, read while its publication writes. */
  private prepared: { ids: readonly string[]; pending: PendingPrivacy; read: Promise<{ seq: number; details: CustomerDetails }> } | undefined;
  /** Keys of erased ids → id, per snapshot customer list (computed once, on the first erasure logged elsewhere). */
  private readonly keys = new WeakMap<readonly string[], Map<string, string>>();
  /** Erasure keys this process has applied itself (their log events need no lookup). */
  private readonly appliedKeys = new Set<string>();

  constructor(
    private readonly source: SnapshotSource,
    private readonly projections: ProjectionSource,
    /** Prepares a loaded read model's percentiles and default ranking: in this thread unless given (the service passes warmthInWorker). */
    private readonly prepare?: (task: WarmthTask) => Promise<SnapshotWarmth>,
  ) {}

  /**
   * The graph of the current snapshot's run for path questions: the run's own projection when this
   * process ran it, otherwise projected from the database on first use (and kept); customers erased
   * since the run are cut out of it (no hop, no endpoint).
   */
  async graph(): Promise<NetworkGraph> {
    const s = await this.current();
    if (this.network?.runId !== s.runId) {
      const asOf = (s.data.run.summary.stance as { asOf?: string } | undefined)?.asOf;
      const graph = this.projections
        .project({ ...DEFAULT_PROJECTION, ...s.data.run.params.projection, ...(asOf ? { asOf } : {}) })
        .then(networkGraphOf);
      this.setNetwork(s.runId, -1, graph);
    }
    const network = this.network!;
    if (network.version !== s.version) {
      this.setNetwork(s.runId, s.version, network.graph.then((g) => withoutCustomers(g, s.erased)));
    }
    return this.network!.graph;
  }

  private setNetwork(runId: string, version: number, graph: Promise<NetworkGraph>): void {
    this.network = { runId, version, graph };
    graph.catch(() => {
      if (this.network?.graph === graph) this.network = undefined;
    });
  }

  /** The current snapshot; 409 when no analytics run has completed yet. */
  async current(): Promise<ScoreSnapshot> {
    if (!this.snapshot) await this.reload();
    if (!this.snapshot) {
      throw new AppError('NO_COMPLETED_RUN', 409, 'No analytics run has completed yet; start one with POST /v1/analytics/runs');
    }
    return this.snapshot;
  }

  /** Loads the latest completed run (concurrent callers share one load). */
  reload(): Promise<void> {
    this.loading ??= (async () => {
      const pending = this.collectPrivacy();
      try {
        // The log's head is read first: events after it are applied again (harmless) by the next check.
        const seq = await this.source.privacyHead();
        const data = await this.source.load();
        // The new snapshot is prepared completely before it replaces the current one.
        if (data) {
          // Prepared off the event loop when the service says how; in this thread if that fails.
          const warmth = this.prepare
            ? await this.prepare({ fields: data.fields as Record<string, Float64Array>, ids: data.ids }).catch(() => undefined)
            : undefined;
          const fresh = new ScoreSnapshot(data).warm(DEFAULT_INFLUENCE_WEIGHTS, warmth);
          this.snapshot = fresh.withPrivacy([...(data.missing ?? []), ...pending.erase], pending.optedOut);
          this.privacySeq = seq;
          this.appliedKeys.clear();
        }
      } finally {
        this.pending.delete(pending);
      }
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /**
   * Builds the snapshot of a run this process has just published from its results in memory,
   * instead of reading them back (at 100k customers reading the run's arrays back takes far longer
   * than the run's algorithms). The current snapshot becomes the previous run.
   */
  async adoptResults(run: AnalyticsRun, projection: Projection, result: ScoreSet): Promise<void> {
    const waiting = this.prepared;
    this.prepared = undefined;
    // A preparation for other customers (another run's) is of no use: it stops collecting.
    const prepared = waiting?.ids === projection.ids ? waiting : undefined;
    if (waiting && !prepared) this.pending.delete(waiting.pending);
    const pending = prepared?.pending ?? this.collectPrivacy();
    try {
      const { seq, details: read } = await (prepared?.read ?? this.readDetails(projection.ids));
      const before = this.snapshot;
      const { missing, ...details } = read;
      const fields: SnapshotData['fields'] = {};
      for (const [f, values] of Object.entries(result.fields) as [ScoreField, Float64Array | Int32Array][]) {
        fields[f] = values instanceof Float64Array ? values : Float64Array.from(values);
      }
      const stanceSummary = (run.summary.stance as { summary?: Record<string, BrandStanceSummary> } | undefined)?.summary;
      const data: SnapshotData = {
        run: { id: run.id, finishedAt: run.finishedAt!, summary: run.summary, phases: run.phases, params: run.params },
        previousRun: before
          ? { id: before.runId, finishedAt: before.data.run.finishedAt, ids: before.data.ids, fields: before.data.fields }
          : undefined,
        ids: projection.ids,
        ...details,
        participationTier: result.text.participationTier,
        topics: result.text.topics,
        fields,
        communities: result.communities,
        stance: result.stance
          ? { brands: result.stance.brands, classes: result.stance.classes, scores: result.stance.scores, latestNps: result.stance.latestNps }
          : undefined,
        history: [{ runId: run.id, finishedAt: run.finishedAt!, stance: stanceSummary }, ...(before?.data.history ?? [])].slice(0, 20),
      };
      const whole = new ScoreSnapshot(data).warm(DEFAULT_INFLUENCE_WEIGHTS, result.warmth);
      const snapshot = whole.withPrivacy([...missing, ...pending.erase], pending.optedOut);
      this.snapshot = snapshot;
      this.privacySeq = seq;
      // The paths graph shares the run's id index (built once; neither side changes it in place).
      const network = networkGraphOf(projection, result.network, whole.index);
      this.setNetwork(run.id, snapshot.version, Promise.resolve(withoutCustomers(network, snapshot.erased)));
    } finally {
      this.pending.delete(pending);
    }
  }

  /**
   * Keeps this read model on the runs a run service completes: each run's customers' details are
   * read when its publication starts (prepareAdoption) and the run is adopted at its flip
   * (adoptResults), before the listeners registered after this one.
   */
  followRuns(runs: RunEvents): void {
    runs.onPublishing((_run, projection) => this.prepareAdoption(projection.ids));
    runs.onCompleted((run, projection, result) => this.adoptResults(run, projection, result));
  }

  /**
   * Starts reading the details (names, segments, opt-outs) of a run's customers before the run is
   * current, so that adopting it (adoptResults with the same ids) does not wait for them: at 1M
   * customers the read takes seconds, which would otherwise follow the flip. Privacy changes from
   * now on are collected and applied to the adopted snapshot. Returns a function that drops the
   * preparation (the run did not become current).
   */
  prepareAdoption(ids: readonly string[]): () => void {
    const prepared = { ids, pending: this.collectPrivacy(), read: this.readDetails(ids) };
    prepared.read.catch(() => undefined);
    if (this.prepared) this.pending.delete(this.prepared.pending);
    this.prepared = prepared;
    return () => {
      if (this.prepared !== prepared) return;
      this.prepared = undefined;
      this.pending.delete(prepared.pending);
    };
  }

  /** The privacy log's head first (events after it are applied again, harmlessly), then the details. */
  private async readDetails(ids: readonly string[]): Promise<{ seq: number; details: CustomerDetails }> {
    const seq = this.privacySeq ?? (await this.source.privacyHead());
    return { seq, details: await this.source.details(ids) };
  }

  private collectPrivacy(): PendingPrivacy {
    const pending: PendingPrivacy = { erase: [], optedOut: new Map() };
    this.pending.add(pending);
    return pending;
  }

  /**
   * Erased customers leave every reader at once: they are no longer found (404), listed, a
   * community's top member, or a hop or endpoint of a path.
   */
  forget(ids: readonly string[]): void {
    for (const id of ids) this.appliedKeys.add(privacyKey(id));
    this.apply([...ids], new Map());
  }

  /** Opt-out changes take effect at once: opted-out customers are never listed, their metrics answer 409. */
  setOptedOut(changes: ReadonlyMap<string, boolean>): void {
    this.apply([], new Map(changes));
  }

  private apply(erase: string[], optedOut: Map<string, boolean>): void {
    for (const pending of this.pending) {
      pending.erase.push(...erase);
      for (const [id, out] of optedOut) pending.optedOut.set(id, out);
    }
    if (this.snapshot) this.snapshot = this.snapshot.withPrivacy(erase, optedOut);
  }

  /**
   * Called after customers are written: opt-out changes are recorded in the privacy log (for other
   * processes) and then applied here. A change is one against this process's snapshot; without a
   * snapshot (or for a customer it does not hold) every opted-out customer written is recorded.
   */
  async customersWritten(rows: readonly WrittenCustomer[]): Promise<void> {
    const s = this.snapshot;
    const changes = new Map<string, boolean>();
    for (const row of rows) {
      // A partial write that leaves optedOut unchanged says nothing about it.
      if (typeof row.optedOut !== 'boolean') continue;
      const out = row.optedOut;
      const i = s?.index.get(row.id);
      if (i === undefined ? out : (s!.data.optedOut[i] === 1) !== out) changes.set(row.id, out);
    }
    if (changes.size === 0) return;
    await this.source.recordPrivacy([...changes].map(([customerId, out]) => ({ kind: out ? 'optOut' : 'optIn', customerId })));
    this.setOptedOut(changes);
  }

  /** Reloads when another process has completed a newer run; applies privacy changes logged since the last check. */
  async check(): Promise<void> {
    const latest = await this.source.latestCompletedRunId();
    if (latest && latest !== this.snapshot?.runId) {
      await this.reload();
      return;
    }
    await this.applyPrivacyLog();
  }

  private async applyPrivacyLog(): Promise<void> {
    const after = this.privacySeq;
    if (after === undefined || !this.snapshot) return;
    const { head, events } = await this.source.privacyEventsAfter(after);
    // Applying an event twice changes nothing, so a snapshot replaced meanwhile is no harm.
    const s = this.snapshot;
    if (head <= after || this.privacySeq !== after || !s) return;
    if (events.length === 0 || events[0].seq !== after + 1) {
      // Events were pruned before this process read them: start again from the database.
      await this.reload();
      return;
    }
    const erase: string[] = [];
    const optedOut = new Map<string, boolean>();
    let keys: Map<string, string> | undefined;
    for (const e of events) {
      if (e.kind === 'erase') {
        if (this.appliedKeys.has(e.customerKey)) continue;
        keys ??= this.keysOf(s.data.ids);
        const id = keys.get(e.customerKey);
        if (id !== undefined) {
          erase.push(id);
          optedOut.delete(id);
        }
      } else optedOut.set(e.customerId, e.kind === 'optOut');
    }
    this.apply(erase, optedOut);
    this.privacySeq = events[events.length - 1].seq;
  }

  private keysOf(ids: readonly string[]): Map<string, string> {
    let keys = this.keys.get(ids);
    if (!keys) this.keys.set(ids, (keys = new Map(ids.map((id) => [privacyKey(id), id]))));
    return keys;
  }

  /**
   * Checks for runs completed elsewhere every `everyMs`, and (unless `warm` is false) loads the
   * snapshot and the paths graph in the background now, so no first request pays for them.
   */
  startPolling(everyMs = 15_000, warm = true): void {
    this.timer ??= setInterval(() => void this.check().catch(() => undefined), everyMs);
    this.timer.unref();
    if (warm) void this.warmUp();
  }

  /** Loads the current snapshot and its paths graph; resolves false (never rejects) when there is none yet or loading failed. */
  async warmUp(): Promise<boolean> {
    try {
      await this.current();
      await this.graph();
      return true;
    } catch {
      return false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
