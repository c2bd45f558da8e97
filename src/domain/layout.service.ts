/**
 * The community map: a ForceAtlas2 layout of the last completed run's attention graph, computed
 * once per run on the server in a worker thread (right after the run is published, or on the first
 * request for an older run), stored with the run and read back by every caller; and the views drawn from it —
 * communities as nodes with the ties between them, one community's members, raw positions.
 * Opted-out and erased customers are never shown as members (they stay in the aggregate counts).
 */
import { aggregateCommunities, type CommunityGraph } from '../analytics/layout-aggregate.js';
import { runLayoutInWorker } from './layout-worker.runner.js';
import { AppError } from './errors.js';
import { DEFAULT_INFLUENCE_WEIGHTS } from './influence.js';
import type { NetworkGraph } from './network-graph.js';
import type { ScoreSnapshot } from './score-snapshot.js';
import type { SnapshotService } from './snapshot.service.js';

export interface RunLayout {
  runId: string;
  /** Customer ids of the run, aligned with x and y. */
  ids: string[];
  x: Float64Array;
  y: Float64Array;
  iterations: number;
  computedAt: string;
}

export interface LayoutStore {
  load(runId: string): Promise<RunLayout | undefined>;
  /** Saves unless the run has a layout already; returns the one stored. */
  save(layout: RunLayout): Promise<RunLayout>;
}

export interface LayoutLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CommunityMapNode {
  id: number;
  size: number;
  x: number;
  y: number;
  /** Highest influence (0..100) among the community's listable members. */
  influence: number;
  /** Members whose stance toward the primary brand is detractor. */
  detractors: number;
  topMember: { id: string; name: string | null } | null;
}

export interface MemberMapNode {
  id: string;
  name: string | null;
  x: number;
  y: number;
  influence: number;
  community: number;
  detractor: boolean;
}

export interface MapEdge {
  source: string;
  target: string;
  weight: number;
}

export class LayoutService {
  private current: { runId: string; layout: RunLayout; index: Map<string, number>; aggregate?: CommunityGraph } | undefined;
  private readonly computing = new Map<string, Promise<RunLayout>>();
  private closed = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly snapshots: SnapshotService,
    private readonly store: LayoutStore,
    private readonly options: { iterations?: number; logger?: LayoutLogger } = {},
  ) {}

  /** Starts computing the layout of a run that has just been published (errors are logged). */
  precompute(runId: string): void {
    this.layoutOf(runId).catch((error) => {
      if (!this.closed) this.options.logger?.error({ err: error, runId }, 'community map layout failed');
    });
  }

  /** Stops layouts in progress (at their next slice) and waits for them; nothing is stored. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await Promise.allSettled([...this.computing.values()]);
  }

  /** The layout of the current snapshot's run, computed and stored on first use. */
  async layout(): Promise<{ snapshot: ScoreSnapshot; layout: RunLayout; index: Map<string, number> }> {
    const snapshot = await this.snapshots.current();
    if (this.current?.runId !== snapshot.runId) {
      const layout = await this.layoutOf(snapshot.runId);
      if (layout.runId !== snapshot.runId) throw new AppError('LAYOUT_STALE', 503, 'The map is being recomputed for a newer run; try again shortly', { retriable: true });
      this.current = { runId: layout.runId, layout, index: new Map(layout.ids.map((id, i) => [id, i])) };
    }
    return { snapshot, layout: this.current.layout, index: this.current.index };
  }

  private layoutOf(runId: string): Promise<RunLayout> {
    let pending = this.computing.get(runId);
    if (!pending) {
      pending = (async () => {
        const stored = await this.store.load(runId);
        if (stored) return stored;
        const graph = await this.snapshots.graph();
        const snapshot = await this.snapshots.current();
        if (snapshot.runId !== runId) throw new AppError('LAYOUT_STALE', 503, 'The map is being recomputed for a newer run; try again shortly', { retriable: true });
        const started = Date.now();
        const layout = await this.compute(runId, graph);
        this.options.logger?.info({ runId, customers: layout.ids.length, iterations: layout.iterations, ms: Date.now() - started }, 'community map layout computed');
        return this.store.save(layout);
      })().finally(() => this.computing.delete(runId));
      this.computing.set(runId, pending);
    }
    return pending;
  }

  /** Runs ForceAtlas2 in a worker thread, so requests keep being served meanwhile. */
  private async compute(runId: string, graph: NetworkGraph): Promise<RunLayout> {
    if (this.closed) throw new AppError('SERVICE_STOPPING', 503, 'The service is stopping; the map layout was not computed', { retriable: true });
    const { x, y, iterations } = await runLayoutInWorker({ graph: graph.attention, iterations: this.options.iterations, seed: 1 }, this.abort.signal);
    return { runId, ids: graph.ids, x, y, iterations, computedAt: new Date().toISOString() };
  }

  /** Customer positions, paged in id order. */
  async positions(offset: number, limit: number) {
    const { snapshot, layout } = await this.layout();
    const community = snapshot.field('community');
    const items: { id: string; x: number; y: number; community: number | null }[] = [];
    let seen = 0;
    for (let i = 0; i < layout.ids.length && items.length < limit; i++) {
      const id = layout.ids[i];
      if (!snapshot.listable(id)) continue;
      if (seen++ < offset) continue;
      const k = snapshot.index.get(id)!;
      items.push({ id, x: round(layout.x[i]), y: round(layout.y[i]), community: community ? community[k] : null });
    }
    return { runId: layout.runId, computedAt: layout.computedAt, iterations: layout.iterations, offset, items };
  }

  /** Communities as nodes (largest first, at most `limit`) and the weighted ties between them. */
  async communities(limit: number) {
    const { snapshot, layout } = await this.layout();
    const graph = await this.snapshots.graph();
    const community = snapshot.field('community');
    if (!community) return { runId: layout.runId, computedAt: layout.computedAt, customers: snapshot.n, total: 0, nodes: [], edges: [] };
    const aligned = this.aligned(snapshot, layout, graph);
    this.current!.aggregate ??= aggregateCommunities(graph.attention, aligned.community, aligned.x, aligned.y);
    const aggregate = this.current!.aggregate;
    const shown = aggregate.communities.slice(0, limit);
    const keep = new Set(shown.map((c) => c.id));
    const influence = snapshot.influence(DEFAULT_INFLUENCE_WEIGHTS);
    const brand = snapshot.brandIndex();
    const best = new Map<number, number>();
    const detractors = new Map<number, number>();
    for (let i = 0; i < snapshot.n; i++) {
      const c = community[i];
      if (!keep.has(c)) continue;
      if (brand !== undefined && snapshot.data.stance && snapshot.stanceOf(i, brand).stance === 'detractor') detractors.set(c, (detractors.get(c) ?? 0) + 1);
      if (!snapshot.listable(snapshot.data.ids[i])) continue;
      const b = best.get(c);
      if (b === undefined || influence[i] > influence[b]) best.set(c, i);
    }
    const nodes: CommunityMapNode[] = shown.map((c) => {
      const top = best.get(c.id);
      return {
        id: c.id,
        size: c.size,
        x: round(c.x),
        y: round(c.y),
        influence: top === undefined ? 0 : round(influence[top]),
        detractors: detractors.get(c.id) ?? 0,
        topMember: top === undefined ? null : { id: snapshot.data.ids[top], name: snapshot.data.name[top] ?? null },
      };
    });
    const edges: MapEdge[] = aggregate.ties
      .filter((t) => keep.has(t.source) && keep.has(t.target))
      .map((t) => ({ source: String(t.source), target: String(t.target), weight: round(t.weight) }));
    return { runId: layout.runId, computedAt: layout.computedAt, customers: snapshot.n, total: aggregate.communities.length, nodes, edges };
  }

  /** One community's listable members (most influential first, at most `limit`) and the ties among them. */
  async community(id: number, limit: number) {
    const { snapshot, layout, index } = await this.layout();
    const graph = await this.snapshots.graph();
    const community = snapshot.field('community');
    if (!community || !snapshot.communitySize.has(id)) throw new AppError('NOT_FOUND', 404, `Community ${id} does not exist in the last run`);
    const influence = snapshot.influence(DEFAULT_INFLUENCE_WEIGHTS);
    const brand = snapshot.brandIndex();
    const members: number[] = [];
    for (let i = 0; i < snapshot.n; i++) if (community[i] === id && snapshot.listable(snapshot.data.ids[i])) members.push(i);
    members.sort((a, b) => influence[b] - influence[a] || (snapshot.data.ids[a] < snapshot.data.ids[b] ? -1 : 1));
    const shown = members.slice(0, limit);
    const nodes: MemberMapNode[] = [];
    for (const i of shown) {
      const customerId = snapshot.data.ids[i];
      const at = index.get(customerId);
      if (at === undefined) continue;
      nodes.push({
        id: customerId,
        name: snapshot.data.name[i] ?? null,
        x: round(layout.x[at]),
        y: round(layout.y[at]),
        influence: round(influence[i]),
        community: id,
        detractor: brand !== undefined && snapshot.data.stance !== undefined && snapshot.stanceOf(i, brand).stance === 'detractor',
      });
    }
    const drawn = new Set(nodes.map((n) => n.id));
    const edges: MapEdge[] = [];
    const seen = new Set<string>();
    const g = graph.attention;
    for (const node of nodes) {
      const u = graph.index.get(node.id);
      if (u === undefined) continue;
      for (let a = g.outOffsets[u]; a < g.outOffsets[u + 1]; a++) {
        const other = graph.ids[g.outTargets[a]];
        if (other === node.id || !drawn.has(other)) continue;
        const key = node.id < other ? `${node.id}\u0000${other}` : `${other}\u0000${node.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        edges.push({ source: node.id, target: other, weight: round(g.outWeights ? g.outWeights[a] : 1) });
      }
    }
    return { runId: layout.runId, computedAt: layout.computedAt, community: id, total: members.length, nodes, edges };
  }

  /** Community ids and positions aligned with the graph's node indices. */
  private aligned(snapshot: ScoreSnapshot, layout: RunLayout, graph: NetworkGraph) {
    const n = graph.ids.length;
    const community = new Float64Array(n).fill(-1);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const field = snapshot.field('community');
    const at = this.current!.index;
    for (let i = 0; i < n; i++) {
      const id = graph.ids[i];
      const k = snapshot.index.get(id);
      const p = at.get(id);
      if (k === undefined || p === undefined || !field) continue;
      community[i] = field[k];
      x[i] = layout.x[p];
      y[i] = layout.y[p];
    }
    return { community, x, y };
  }
}

const round = (v: number) => Math.round(v * 1000) / 1000;
