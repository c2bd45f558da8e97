/**
 * Reverse-reachable (RR) sets: the samples of reverse influence sampling.
 *
 * An RR set is drawn by picking a root v uniformly among the n nodes and one possible world
 * (worlds.ts), and collecting every node that reaches v in that world:
 * - independent cascade: a reverse BFS from v in which each in-arc u → w is live with its
 *   probability (each arc's coin is drawn at most once);
 * - linear threshold: a reverse random walk from v that moves to one in-neighbour u of the current
 *   node with probability w(u → node) (in-weights scaled to sum ≤ 1) and stops with the remaining
 *   probability or on a node already in the set.
 * Key property (Borgs, Brautbar, Chayes, Lucier, SODA 2014): for any seed set S,
 *   E[spread(S)] = n · P(S meets a random RR set),
 * so the fraction of RR sets S covers, times n, is an unbiased spread estimate.
 *
 * RR set j is a pure function of (seed, j): its world is worldKey(seed, j, STREAM.rrSets). Results do
 * not depend on how sets are batched or which thread draws them.
 *
 * Storage: flat typed arrays grown by doubling — members (Int32Array), offsets (count + 1) and
 * roots — no per-set objects. `buildNodeIndex` inverts it once (node → the sets containing it) by a
 * counting sort, for the greedy selection. Cost: expected O(EPT) per set, EPT being the expected
 * number of arcs a set examines (Tang, Xiao, Shi, SIGMOD 2014); 4 bytes per member, 8 per set,
 * and another 4 per member for the node index.
 */

import { ltScale } from './probabilities.js';
import type { DiffusionGraph, DiffusionModel } from './types.js';
import { coin32, ROOT_INDEX, STREAM, TWO32, worldKey } from './worlds.js';

export class RrSets {
  members: Int32Array;
  offsets: Int32Array;
  roots: Int32Array;
  count = 0;
  size = 0;

  constructor(initialSets = 1024, initialMembers = 8192) {
    this.members = new Int32Array(initialMembers);
    this.offsets = new Int32Array(Math.max(1, initialSets) + 1);
    this.roots = new Int32Array(Math.max(1, initialSets));
  }

  /** Bytes held by the arrays (capacity, not just the filled part). */
  get bytes(): number {
    return this.members.byteLength + this.offsets.byteLength + this.roots.byteLength;
  }

  /** Append one set (members[0..len) of `buf`, root `root`). */
  push(buf: Int32Array, len: number, root: number): void {
    if (this.count >= this.roots.length) {
      const o = new Int32Array(this.roots.length * 2 + 1);
      o.set(this.offsets);
      this.offsets = o;
      const r = new Int32Array(this.roots.length * 2);
      r.set(this.roots);
      this.roots = r;
    }
    if (this.size + len > this.members.length) {
      let cap = this.members.length * 2;
      while (cap < this.size + len) cap *= 2;
      const m = new Int32Array(cap);
      m.set(this.members.subarray(0, this.size));
      this.members = m;
    }
    this.members.set(buf.subarray(0, len), this.size);
    this.roots[this.count] = root;
    this.size += len;
    this.count++;
    this.offsets[this.count] = this.size;
  }
}

/** Draws RR sets of one graph under one model; reusable scratch space. */
export class RrSampler {
  private readonly g: DiffusionGraph;
  private readonly ic: boolean;
  private readonly scale: Float64Array | null;
  private readonly mark: Int32Array;
  private readonly buf: Int32Array;
  private stamp = 0;
  private readonly seed: number;
  /** Arcs examined so far (the work measure of the sampling). */
  arcsExamined = 0;

  constructor(g: DiffusionGraph, model: DiffusionModel, seed: number) {
    this.g = g;
    this.ic = model === 'ic';
    this.scale = model === 'lt' ? ltScale(g) : null;
    this.mark = new Int32Array(g.n);
    this.buf = new Int32Array(g.n);
    this.seed = seed;
  }

  /** Append RR sets number from .. to − 1 to `out`. */
  draw(out: RrSets, from: number, to: number): void {
    for (let j = from; j < to; j++) {
      const key = worldKey(this.seed, j, STREAM.rrSets);
      const root = Math.floor((coin32(key, ROOT_INDEX) / TWO32) * this.g.n);
      const len = this.ic ? this.reverseBfs(key, root) : this.reverseWalk(key, root);
      out.push(this.buf, len, root);
    }
  }

  private nextStamp(): number {
    if (++this.stamp === 0x7fffffff) {
      this.mark.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  private reverseBfs(key: number, root: number): number {
    const { inOffsets, inSources, inProb } = this.g;
    const mark = this.mark;
    const buf = this.buf;
    const st = this.nextStamp();
    mark[root] = st;
    buf[0] = root;
    let tail = 1;
    let examined = 0;
    for (let head = 0; head < tail; head++) {
      const v = buf[head];
      const e = inOffsets[v + 1];
      examined += e - inOffsets[v];
      for (let q = inOffsets[v]; q < e; q++) {
        const u = inSources[q];
        if (mark[u] === st) continue;
        if (coin32(key, q) < inProb[q] * TWO32) {
          mark[u] = st;
          buf[tail++] = u;
        }
      }
    }
    this.arcsExamined += examined;
    return tail;
  }

  private reverseWalk(key: number, root: number): number {
    const { inOffsets, inSources, inProb } = this.g;
    const scale = this.scale as Float64Array;
    const mark = this.mark;
    const buf = this.buf;
    const st = this.nextStamp();
    mark[root] = st;
    buf[0] = root;
    let tail = 1;
    let v = root;
    for (;;) {
      // The node's own coin: the same draw a forward LT run uses for its live in-arc.
      const r = coin32(key, v) / TWO32 / scale[v];
      let acc = 0;
      let next = -1;
      const e = inOffsets[v + 1];
      for (let q = inOffsets[v]; q < e; q++) {
        this.arcsExamined++;
        acc += inProb[q];
        if (r < acc) {
          next = inSources[q];
          break;
        }
      }
      if (next < 0 || mark[next] === st) break;
      mark[next] = st;
      buf[tail++] = next;
      v = next;
    }
    return tail;
  }
}

/** node → indices of the RR sets containing it, as CSR (offsets length n + 1). O(n + size). */
export function buildNodeIndex(n: number, rr: RrSets): { offsets: Int32Array; sets: Int32Array } {
  const offsets = new Int32Array(n + 1);
  const { members, size, count } = rr;
  for (let i = 0; i < size; i++) offsets[members[i] + 1]++;
  for (let v = 0; v < n; v++) offsets[v + 1] += offsets[v];
  const cursor = offsets.slice(0, n);
  const sets = new Int32Array(size);
  const off = rr.offsets;
  for (let s = 0; s < count; s++) {
    for (let i = off[s], e = off[s + 1]; i < e; i++) sets[cursor[members[i]]++] = s;
  }
  return { offsets, sets };
}
