/**
 * Paths: how one customer's voice reaches another, warm introductions (advocates whose voice
 * reaches a prospect), a customer's exposure to detractors, and the detractors whose voice reaches
 * most of the valuable part of the network. All of it walks the attention graph of the current
 * run (see network-graph.ts: arc u → v means u listens to v, so a voice travels against the arcs)
 * and reads scores and stances from the current snapshot; the two are matched through customer
 * ids, since their indices can differ.
 *
 * Definitions.
 * - A hop x → y (x speaks, y listens) uses the attention arc y → x of weight w (the FOLLOWS/KNOWS
 *   weights plus interactionWeight × the decayed interactions y → x of the run); its strength is
 *   1 − e^(−w) and a path's strength is the product over its hops (analytics/paths.ts).
 * - Each hop is explained by the relationships that make y listen to x, read from the database
 *   in one query per request: y FOLLOWS x, a KNOWS between them, y INTERACTED with x; `weight` is
 *   the sum of the FOLLOWS/KNOWS weights (null when only interactions link them), `interactions`
 *   the summed counts of the INTERACTED relationships and `sentiment` their plain average.
 * - Opted-out customers stay in the structure (a path may pass through them) but are never an
 *   endpoint, never listed or counted in a list's totals, and appear as a hop only as
 *   { id: null, optedOut: true }. An opt-out recorded in the database since the run is honoured too.
 *   Customers erased since the run are cut out of the graph: never a hop nor an endpoint.
 * - Warm introductions / exposure: one BFS from the prospect along its out-arcs (the people it
 *   listens to, transitively) gives every speaker within maxHops; one pass over that BFS order then
 *   keeps, for each node, the strongest of its shortest paths (a DAG dynamic programme over the
 *   BFS layers), and each listed person's path is read back through those parents.
 * - Detractor risk: valuable = among the listable customers, the top 10 % by influence
 *   (⌈L/10⌉ of them, ties by id), anyone whose last purchase is at most 90 days before the graph's
 *   asOf, and the advocates of the brand. For each listable detractor, a BFS along in-arcs (its
 *   listeners, transitively) up to `hops` counts whom it reaches, and
 *       riskScore = Σ over reached valuable customers v of (influence_v / 100) / hops_v.
 *   Detractors are ranked by riskScore, then by the valuable customers reached, then by id.
 *
 * Cost (n customers, m arcs, H the hop limit, D detractors of the brand):
 * - paths: kBestPaths, O(k · H² · a) worst case (see analytics/paths.ts), plus one query.
 * - advocate-paths, detractor-exposure: O(n) allocation + O(nodes and arcs within maxHops of the
 *   prospect), O(r log r) to sort the r people found, O(limit · maxHops) to read the paths back.
 * - detractor risk: O(n log n) for the valuable set, then D hop-limited BFSs sharing one stamp
 *   array, dist array and queue (no per-source allocation): O(Σ over detractors of the arcs
 *   within `hops` of them) ≤ O(D · (n + m)). The table is cached per (snapshot version, brand, hops) in a
 *   small Map, so a repeated question costs only `limit` BFSs (the exposed lists) and one sort.
 */
import { arcStrength, arcWeight, bfsTree, kBestPaths, type CsrGraph, type PathMode } from '../analytics/index.js';
import { AppError, notFound } from './errors.js';
import { DEFAULT_INFLUENCE_WEIGHTS } from './influence.js';
import type { NetworkGraph } from './network-graph.js';
import type { ScoreSnapshot } from './score-snapshot.js';
import type { StanceClass } from './scoring.js';
import type { SnapshotService } from './snapshot.service.js';

export const HOP_RELATIONSHIPS = ['FOLLOWS', 'KNOWS', 'INTERACTED'] as const;
export type HopRelationship = (typeof HOP_RELATIONSHIPS)[number];

/** One hop to explain: `speaker`'s voice reaches `listener`. */
export interface HopPair {
  speaker: string;
  listener: string;
}

/** What the database holds about why `listener` listens to `speaker`. */
export interface HopFacts {
  kinds: HopRelationship[];
  /** Sum of the FOLLOWS/KNOWS weights; null when no such tie links them. */
  tieWeight: number | null;
  /** Summed count of the INTERACTED relationships listener → speaker. */
  interactions: number;
  /** Average sentiment of those relationships; null when there are none. */
  sentiment: number | null;
  speakerOptedOut: boolean;
  listenerOptedOut: boolean;
}

export interface HopDetailsSource {
  /** Facts for every pair in one round trip, aligned with `pairs`; undefined when a customer no longer exists. */
  hopDetails(pairs: HopPair[]): Promise<(HopFacts | undefined)[]>;
}

export type PathPerson = { id: string; name: string | null; stance: StanceClass } | { id: null; optedOut: true };

export interface HopView {
  from: PathPerson;
  to: PathPerson;
  tie: {
    kinds: HopRelationship[];
    weight: number | null;
    interactions: number;
    sentiment: number | null;
    attentionWeight: number;
    strength: number;
  };
}

export interface PathView {
  hops: number;
  strength: number;
  steps: HopView[];
}

export interface PathsQuery {
  from: string;
  to: string;
  maxHops: number;
  mode: PathMode;
  k: number;
  brand?: string;
}

export interface ReachQuery {
  brand?: string;
  maxHops: number;
  limit: number;
}

export interface RiskQuery {
  brand?: string;
  hops: number;
  limit: number;
  exposed: number;
}

const DAY_MS = 86_400_000;
export const RECENT_PURCHASE_DAYS = 90;
export const HIGH_INFLUENCE_SHARE = 0.1;

const HIGH = 1;
const RECENT = 2;
const ADVOCATE = 4;

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const byId = (ids: readonly string[]) => (a: number, b: number) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0);

/** The snapshot, the graph, and the snapshot index of each graph node (−1 when the run did not score it). */
interface Context {
  s: ScoreSnapshot;
  g: NetworkGraph;
  toSnapshot: Int32Array;
  influence: Float64Array;
}

interface RiskRow {
  g: number;
  si: number;
  valuable: number;
  highInfluence: number;
  recentBuyers: number;
  advocates: number;
  everyone: number;
  riskScore: number;
}

interface RiskTable {
  brand: string;
  flags: Uint8Array;
  rows: RiskRow[];
  /** Scratch of the table's BFSs, reused for the exposed lists. */
  search: ListenerSearch;
}

/** Hop-limited BFS along in-arcs with scratch arrays reused across sources (reset by epoch stamps). */
class ListenerSearch {
  private readonly stamp: Int32Array;
  readonly dist: Int32Array;
  readonly queue: Int32Array;
  private epoch = 0;

  constructor(private readonly g: CsrGraph) {
    this.stamp = new Int32Array(g.n);
    this.dist = new Int32Array(g.n);
    this.queue = new Int32Array(g.n);
  }

  /** Visits everyone whose attention reaches `source` within `hops`; returns how many entries of `queue` were filled (source first). */
  run(source: number, hops: number): number {
    if (++this.epoch === 0x3fffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    const { stamp, dist, queue, epoch } = this;
    const { inOffsets, inSources, inWeights } = this.g;
    stamp[source] = epoch;
    dist[source] = 0;
    queue[0] = source;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const u = queue[head++];
      const du = dist[u];
      if (du >= hops) break;
      for (let p = inOffsets[u], end = inOffsets[u + 1]; p < end; p++) {
        const v = inSources[p];
        if (stamp[v] === epoch || (inWeights !== null && !(inWeights[p] > 0))) continue;
        stamp[v] = epoch;
        dist[v] = du + 1;
        queue[tail++] = v;
      }
    }
    return tail;
  }
}

export class PathsService {
  private readonly contexts = new WeakMap<ScoreSnapshot, { g: NetworkGraph; toSnapshot: Int32Array; influence: Float64Array }>();
  private readonly riskTables = new Map<string, RiskTable>();

  constructor(
    private readonly snapshots: SnapshotService,
    private readonly hops: HopDetailsSource,
  ) {}

  // -------------------------------------------------------------------------------------------
  // Endpoints

  /** The k best paths along which `from`'s voice reaches `to` (from === to gives one path of 0 hops). */
  async paths(q: PathsQuery) {
    const c = await this.context();
    const b = this.brand(c.s, q.brand, false);
    const from = this.customer(c, q.from);
    const to = this.customer(c, q.to);
    const found = kBestPaths(c.g.attention, from.g, to.g, { k: q.k, maxHops: q.maxHops, mode: q.mode, direction: 'in' });
    const paths = await this.explain(c, b, found.map((p) => p.nodes));
    return {
      runId: c.s.runId,
      brand: b === undefined ? null : c.s.data.stance!.brands[b],
      mode: q.mode,
      maxHops: q.maxHops,
      from: this.visible(c, b, from.g),
      to: this.visible(c, b, to.g),
      paths,
    };
  }

  /** Advocates of the brand whose voice reaches the customer within maxHops, nearest first, each with their best path. */
  async advocatePaths(id: string, q: ReachQuery) {
    const c = await this.context();
    const b = this.brand(c.s, q.brand, true)!;
    const who = this.customer(c, id);
    const reach = this.speakersOf(c, who.g, q.maxHops);
    const found = reach.listable.filter((v) => c.s.stanceOf(c.toSnapshot[v], b).stance === 'advocate');
    const listed = await this.listed(c, b, reach, found, q.limit);
    const items = listed.map(({ person, hops, path }) => ({ advocate: person, hops, path }));
    return {
      runId: c.s.runId,
      brand: c.s.data.stance!.brands[b],
      maxHops: q.maxHops,
      customer: this.visible(c, b, who.g),
      total: found.length,
      items,
    };
  }

  /** Detractors of the brand whose voice reaches the customer within maxHops, with their count and share. */
  async detractorExposure(id: string, q: ReachQuery) {
    const c = await this.context();
    const b = this.brand(c.s, q.brand, true)!;
    const who = this.customer(c, id);
    const reach = this.speakersOf(c, who.g, q.maxHops);
    const found = reach.listable.filter((v) => c.s.stanceOf(c.toSnapshot[v], b).stance === 'detractor');
    const listed = await this.listed(c, b, reach, found, q.limit);
    const items = listed.map(({ person, hops, path }) => ({ detractor: person, hops, path }));
    const everyone = reach.listable.length;
    return {
      runId: c.s.runId,
      brand: c.s.data.stance!.brands[b],
      maxHops: q.maxHops,
      customer: this.visible(c, b, who.g),
      reachedBy: everyone,
      detractors: { total: found.length, share: everyone > 0 ? round(found.length / everyone, 6) : 0 },
      items,
    };
  }

  /** Detractors ranked by how much of the valuable part of the network their voice reaches within `hops`. */
  async detractorRisk(q: RiskQuery) {
    const c = await this.context();
    const b = this.brand(c.s, q.brand, true)!;
    const table = this.riskTable(c, b, q.hops);
    const search = table.search;
    const { s, g, influence } = c;
    const ids = g.ids;
    const items = table.rows.slice(0, q.limit).map((row, r) => {
      const filled = search.run(row.g, q.hops);
      const reached: number[] = [];
      for (let j = 1; j < filled; j++) if (table.flags[search.queue[j]]) reached.push(search.queue[j]);
      const dist = new Map(reached.map((v) => [v, search.dist[v]]));
      const inf = (v: number) => influence[c.toSnapshot[v]];
      reached.sort((x, y) => dist.get(x)! - dist.get(y)! || inf(y) - inf(x) || byId(ids)(x, y));
      return {
        rank: r + 1,
        detractor: {
          id: ids[row.g],
          name: s.data.name[row.si],
          influence: round(influence[row.si], 2),
          stanceScore: s.stanceOf(row.si, b).score,
        },
        reaches: {
          valuable: row.valuable,
          highInfluence: row.highInfluence,
          recentBuyers: row.recentBuyers,
          advocates: row.advocates,
          everyone: row.everyone,
        },
        riskScore: round(row.riskScore, 6),
        exposed: reached.slice(0, q.exposed).map((v) => {
          const f = table.flags[v];
          const reasons: ('highInfluence' | 'recentBuyer' | 'advocate')[] = [];
          if (f & HIGH) reasons.push('highInfluence');
          if (f & RECENT) reasons.push('recentBuyer');
          if (f & ADVOCATE) reasons.push('advocate');
          return { id: ids[v], name: s.data.name[c.toSnapshot[v]], hops: dist.get(v)!, influence: round(inf(v), 2), reasons };
        }),
      };
    });
    return {
      runId: s.runId,
      brand: table.brand,
      hops: q.hops,
      asOf: g.asOf,
      detractors: table.rows.length,
      items,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Shared steps

  private async context(): Promise<Context> {
    const g = await this.snapshots.graph();
    const s = await this.snapshots.current();
    let cached = this.contexts.get(s);
    if (!cached || cached.g !== g) {
      const toSnapshot = new Int32Array(g.ids.length);
      for (let v = 0; v < g.ids.length; v++) toSnapshot[v] = s.index.get(g.ids[v]) ?? -1;
      const stored = s.field('influence');
      const source = stored ?? s.influence(DEFAULT_INFLUENCE_WEIGHTS);
      const influence = Float64Array.from(source, (x) => (Number.isNaN(x) ? 0 : x));
      cached = { g, toSnapshot, influence };
      this.contexts.set(s, cached);
    }
    return { s, ...cached };
  }

  /** The brand's index in the stance arrays; 404 for an unknown brand, 409 when the run has no stances (if required). */
  private brand(s: ScoreSnapshot, brand: string | undefined, required: boolean): number | undefined {
    const b = s.brandIndex(brand);
    if (b !== undefined) return b;
    if (brand !== undefined && (s.data.stance?.brands.length ?? 0) > 0) throw notFound('Brand', brand);
    if (brand !== undefined || required) {
      throw new AppError('SCORE_NOT_COMPUTED', 409, 'The last run computed no stances toward brands; run analytics with the stance algorithm');
    }
    return undefined;
  }

  /** A customer as a path endpoint: 404 when the run does not know them, 409 when they opted out. */
  private customer(c: Context, id: string): { g: number; si: number } {
    const si = c.s.index.get(id);
    const g = c.g.index.get(id);
    if (si === undefined || g === undefined) throw notFound('Customer', id);
    if (c.s.data.optedOut[si]) throw new AppError('CUSTOMER_OPTED_OUT', 409, `Customer '${id}' opted out of analytics`);
    return { g, si };
  }

  private listable(c: Context, v: number): boolean {
    const si = c.toSnapshot[v];
    return si >= 0 && !c.s.data.optedOut[si];
  }

  private visible(c: Context, b: number | undefined, v: number): { id: string; name: string | null; stance: StanceClass } {
    const si = c.toSnapshot[v];
    return { id: c.g.ids[v], name: c.s.data.name[si] ?? null, stance: b === undefined ? 'unknown' : c.s.stanceOf(si, b).stance };
  }

  /**
   * Everyone whose voice reaches `root` within maxHops (one BFS along out-arcs), with for each of
   * them the next hop of the strongest of their shortest paths to `root`.
   */
  private speakersOf(c: Context, root: number, maxHops: number) {
    const a = c.g.attention;
    const tree = bfsTree(a, root, { maxHops, direction: 'out' });
    const { dist, order } = tree;
    // cost[v]: −ln of the best strength among v's shortest paths to root; next[v]: its next hop.
    const cost = new Float64Array(a.n);
    const next = tree.parent.slice();
    for (let j = 1; j < order.length; j++) {
      const v = order[j];
      const want = dist[v] - 1;
      let best = Infinity;
      for (let p = a.inOffsets[v], end = a.inOffsets[v + 1]; p < end; p++) {
        const u = a.inSources[p];
        if (dist[u] !== want) continue;
        const w = a.inWeights ? a.inWeights[p] : 1;
        if (!(w > 0)) continue;
        const total = cost[u] - Math.log(arcStrength(w));
        if (total < best) {
          best = total;
          next[v] = u;
        }
      }
      cost[v] = best;
    }
    const listable: number[] = [];
    for (let j = 1; j < order.length; j++) if (this.listable(c, order[j])) listable.push(order[j]);
    return { root, dist, next, listable };
  }

  /** The people found, nearest first then by influence, each with the path read back through `next`. */
  private async listed(
    c: Context,
    b: number,
    reach: ReturnType<PathsService['speakersOf']>,
    found: number[],
    limit: number,
  ) {
    const { dist, next, root } = reach;
    const inf = (v: number) => c.influence[c.toSnapshot[v]];
    const chosen = found
      .slice()
      .sort((x, y) => dist[x] - dist[y] || inf(y) - inf(x) || byId(c.g.ids)(x, y))
      .slice(0, limit);
    const chains = chosen.map((v) => {
      const nodes = [v];
      for (let u = v; u !== root; ) nodes.push((u = next[u]));
      return nodes;
    });
    const { paths, hidden } = await this.explainWithPrivacy(c, b, chains);
    return chosen
      .map((v, j) => {
        const si = c.toSnapshot[v];
        return {
          person: { id: c.g.ids[v], name: c.s.data.name[si], influence: round(inf(v), 2), stanceScore: c.s.stanceOf(si, b).score },
          hops: dist[v],
          path: paths[j],
        };
      })
      .filter((_, j) => !hidden.has(chosen[j]));
  }

  private async explain(c: Context, b: number | undefined, chains: number[][]): Promise<PathView[]> {
    return (await this.explainWithPrivacy(c, b, chains)).paths;
  }

  /**
   * Explains every hop of every path with one database query; also returns the nodes the
   * database now reports as opted out (opt-outs recorded since the run).
   */
  private async explainWithPrivacy(c: Context, b: number | undefined, chains: number[][]) {
    const ids = c.g.ids;
    const key = (x: number, y: number) => `${x}:${y}`;
    const pairs: HopPair[] = [];
    const slot = new Map<string, number>();
    for (const nodes of chains) {
      for (let j = 0; j + 1 < nodes.length; j++) {
        const k = key(nodes[j], nodes[j + 1]);
        if (slot.has(k)) continue;
        slot.set(k, pairs.length);
        pairs.push({ speaker: ids[nodes[j]], listener: ids[nodes[j + 1]] });
      }
    }
    const facts = pairs.length > 0 ? await this.hops.hopDetails(pairs) : [];
    const hidden = new Set<number>();
    for (const nodes of chains) {
      for (let j = 0; j + 1 < nodes.length; j++) {
        const f = facts[slot.get(key(nodes[j], nodes[j + 1]))!];
        if (f?.speakerOptedOut) hidden.add(nodes[j]);
        if (f?.listenerOptedOut) hidden.add(nodes[j + 1]);
      }
    }
    const person = (v: number): PathPerson =>
      this.listable(c, v) && !hidden.has(v) ? this.visible(c, b, v) : { id: null, optedOut: true };
    const a = c.g.attention;
    const paths = chains.map((nodes): PathView => {
      let strength = 1;
      const steps = [];
      for (let j = 0; j + 1 < nodes.length; j++) {
        const x = nodes[j];
        const y = nodes[j + 1];
        const w = arcWeight(a, y, x);
        const s = arcStrength(w);
        strength *= s;
        const f = facts[slot.get(key(x, y))!];
        steps.push({
          from: person(x),
          to: person(y),
          tie: {
            kinds: f ? HOP_RELATIONSHIPS.filter((k) => f.kinds.includes(k)) : [],
            weight: f?.tieWeight ?? null,
            interactions: f?.interactions ?? 0,
            sentiment: f?.sentiment === null || f?.sentiment === undefined ? null : round(f.sentiment, 6),
            attentionWeight: w,
            strength: s,
          },
        });
      }
      return { hops: nodes.length - 1, strength, steps };
    });
    return { paths, hidden };
  }

  // -------------------------------------------------------------------------------------------
  // Detractor risk table

  private riskTable(c: Context, b: number, hops: number): RiskTable {
    const { s, g, toSnapshot, influence } = c;
    const brand = s.data.stance!.brands[b];
    const key = `${s.runId}\u0000${s.version}\u0000${brand}\u0000${hops}`;
    const cached = this.riskTables.get(key);
    if (cached) return cached;

    const n = g.ids.length;
    const ids = g.ids;
    // Valuable customers, by graph index.
    const flags = new Uint8Array(n);
    const listable: number[] = [];
    for (let v = 0; v < n; v++) if (this.listable(c, v)) listable.push(v);
    const ranked = listable.slice().sort((x, y) => influence[toSnapshot[y]] - influence[toSnapshot[x]] || byId(ids)(x, y));
    const top = Math.ceil(listable.length * HIGH_INFLUENCE_SHARE);
    for (let j = 0; j < top; j++) flags[ranked[j]] |= HIGH;
    const asOf = Date.parse(g.asOf);
    const detractors: number[] = [];
    for (const v of listable) {
      const t = g.lastPurchaseAt[v];
      if (!Number.isNaN(t) && asOf - t <= RECENT_PURCHASE_DAYS * DAY_MS) flags[v] |= RECENT;
      const st = s.stanceOf(toSnapshot[v], b).stance;
      if (st === 'advocate') flags[v] |= ADVOCATE;
      else if (st === 'detractor') detractors.push(v);
    }

    const search = new ListenerSearch(g.attention);
    const rows: RiskRow[] = detractors.map((d) => {
      const filled = search.run(d, hops);
      const row: RiskRow = { g: d, si: toSnapshot[d], valuable: 0, highInfluence: 0, recentBuyers: 0, advocates: 0, everyone: 0, riskScore: 0 };
      for (let j = 1; j < filled; j++) {
        const v = search.queue[j];
        if (!this.listable(c, v)) continue;
        row.everyone++;
        const f = flags[v];
        if (!f) continue;
        row.valuable++;
        if (f & HIGH) row.highInfluence++;
        if (f & RECENT) row.recentBuyers++;
        if (f & ADVOCATE) row.advocates++;
        row.riskScore += influence[toSnapshot[v]] / 100 / search.dist[v];
      }
      return row;
    });
    rows.sort((x, y) => y.riskScore - x.riskScore || y.valuable - x.valuable || byId(ids)(x.g, y.g));
    const table = { brand, flags, rows, search };
    if (this.riskTables.size >= 8) this.riskTables.delete(this.riskTables.keys().next().value as string);
    this.riskTables.set(key, table);
    return table;
  }
}
