/**
 * The projection's canonical order: arcs, interactions and posts put in an order that depends on
 * the data only, not on the order the database hands them over in. The procedures' reading scans
 * the relationship store (relationship id order, a customer's relationships spread over the
 * whole scan), the Cypher reading walks each customer's relationships (most recent first); both
 * give the same arrays once ordered here, so the scores do not depend on the reading, on the
 * store's layout or on how the graph was loaded.
 *
 * - ties: by source, then target, then weight (placeBySource);
 * - interactions: summed per (source, target) over their rows ordered by decayed count, raw count
 *   and sentiment, the pairs by source then target (InteractionRows);
 * - posts: grouped by author (PostRows), contents counted once, topics sorted.
 * A NaN sorts after every number. Cost: O(m) for the grouping plus a sort of each source's run
 * (O(d log d) for a run of d rows).
 */
import { groupBy } from '../analytics/csr.js';
import { Column } from './typed-columns.js';

/** A total order of numbers: ascending, NaN last (equal to NaN). */
export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
}

/**
 * Sorts rows lo … hi − 1 of `order` (row indexes) by `compare` of the rows they name: insertion
 * sort for a short run (the usual case: a customer has a few dozen arcs), the array sort otherwise.
 */
export function sortRun(order: Int32Array, lo: number, hi: number, compare: (x: number, y: number) => number): void {
  if (hi - lo <= 24) {
    for (let i = lo + 1; i < hi; i++) {
      const x = order[i];
      let j = i - 1;
      while (j >= lo && compare(order[j], x) > 0) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = x;
    }
    return;
  }
  order.subarray(lo, hi).sort(compare);
}

export interface ArcColumns {
  src: Int32Array;
  dst: Int32Array;
  w: Float64Array;
}

/**
 * Copies `length` arcs of `from` into `to` at `at`, ordered by source, then target, then weight:
 * a counting sort by source straight into `to`, then each source's run sorted in place (insertion
 * sort for the usual few dozen arcs). `n` bounds the nodes. O(n + length) besides the runs' sorts.
 */
export function placeBySource(from: ArcColumns, length: number, to: ArcColumns, at: number, n: number): void {
  const { src, dst, w } = from;
  const offsets = new Int32Array(n + 1);
  for (let k = 0; k < length; k++) offsets[src[k] + 1]++;
  for (let s = 0; s < n; s++) offsets[s + 1] += offsets[s];
  const fill = offsets.slice(0, n);
  const ts = to.src;
  const td = to.dst;
  const tw = to.w;
  for (let k = 0; k < length; k++) {
    const s = src[k];
    const p = at + fill[s]++;
    ts[p] = s;
    td[p] = dst[k];
    tw[p] = w[k];
  }
  for (let s = 0; s < n; s++) {
    const lo = at + offsets[s];
    const hi = at + offsets[s + 1];
    if (hi - lo < 2) continue;
    if (hi - lo <= 32) {
      for (let i = lo + 1; i < hi; i++) {
        const d = td[i];
        const x = tw[i];
        let j = i - 1;
        while (j >= lo && (td[j] > d || (td[j] === d && compareNumbers(tw[j], x) > 0))) {
          td[j + 1] = td[j];
          tw[j + 1] = tw[j];
          j--;
        }
        td[j + 1] = d;
        tw[j + 1] = x;
      }
    } else {
      const order = Int32Array.from({ length: hi - lo }, (_, k) => lo + k).sort((x, y) => td[x] - td[y] || compareNumbers(tw[x], tw[y]));
      const d = Int32Array.from(order, (r) => td[r]);
      const x = Float64Array.from(order, (r) => tw[r]);
      td.set(d, lo);
      tw.set(x, lo);
    }
  }
}

/**
 * Interaction rows (source and target customer indexes, decayed count, raw count, sentiment or
 * NaN), in any order; aggregate() sums them per pair in the canonical order.
 */
export class InteractionRows {
  private readonly u = new Column(new Int32Array(1024));
  private readonly v = new Column(new Int32Array(1024));
  private readonly decayed = new Column(new Float64Array(1024));
  private readonly count = new Column(new Float64Array(1024));
  private readonly sentiment = new Column(new Float64Array(1024));

  get length(): number {
    return this.u.length;
  }

  /** Makes room for `n` rows in all (the store's count of interactions, say). */
  reserve(n: number): void {
    for (const column of [this.u, this.v, this.decayed, this.count, this.sentiment]) column.reserve(n);
  }

  push(u: number, v: number, decayed: number, count: number, sentiment: number): void {
    this.u.push(u);
    this.v.push(v);
    this.decayed.push(decayed);
    this.count.push(count);
    this.sentiment.push(sentiment);
  }

  /**
   * Calls `visit` once per (source, target) pair, sources ascending and each source's targets
   * ascending, with the sums of its rows: decayed counts, raw counts, and the decayed counts
   * weighted by positive and by negative sentiment (as magnitudes).
   */
  aggregate(n: number, visit: (u: number, v: number, volume: number, raw: number, positive: number, negative: number) => void): void {
    const length = this.length;
    const v = this.v.data;
    const decayed = this.decayed.data;
    const count = this.count.data;
    const sentiment = this.sentiment.data;
    const { offsets, order } = groupBy(this.u.data, length, n);
    const compare = (x: number, y: number) =>
      v[x] - v[y] || compareNumbers(decayed[x], decayed[y]) || compareNumbers(count[x], count[y]) || compareNumbers(sentiment[x], sentiment[y]);
    for (let s = 0; s < n; s++) {
      const lo = offsets[s];
      const hi = offsets[s + 1];
      if (hi - lo > 1) sortRun(order, lo, hi, compare);
      for (let k = lo; k < hi; ) {
        const target = v[order[k]];
        let volume = 0;
        let raw = 0;
        let positive = 0;
        let negative = 0;
        for (; k < hi && v[order[k]] === target; k++) {
          const r = order[k];
          const d = decayed[r];
          const x = sentiment[r];
          volume += d;
          raw += count[r];
          positive += x > 0 ? d * x : 0.0;
          negative += x < 0 ? -d * x : 0.0;
        }
        visit(s, target, volume, raw, positive, negative);
      }
    }
  }
}

/**
 * Posts (author's customer index, the content's id, engagements it received, its topics' names),
 * in any order; byAuthor() gives each author's distinct contents, engagements received in all and
 * sorted distinct topics.
 */
export class PostRows {
  private readonly author = new Column(new Int32Array(1024));
  private readonly content = new Column(new Float64Array(1024));
  private readonly received = new Column(new Int32Array(1024));
  /** Where each post's topics start in `topic` (one more entry than posts). */
  private readonly topicStart = new Column(new Int32Array(1024));
  private readonly topic = new Column(new Int32Array(1024));
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();

  constructor() {
    this.topicStart.push(0);
  }

  /** The number that names a topic in push(). */
  topicOf(name: string): number {
    let t = this.nameIndex.get(name);
    if (t === undefined) this.nameIndex.set(name, (t = this.names.push(name) - 1));
    return t;
  }

  /**
   * A post; its topics are topics[from] … topics[to − 1]: topicOf numbers, or, with `names`, indexes
   * into it (a chunk's words: names[x] is word x's topicOf number); −1 for none.
   */
  push(author: number, content: number, received: number, topics: ArrayLike<number>, from = 0, to = topics.length, names?: ArrayLike<number>): void {
    this.author.push(author);
    this.content.push(content);
    this.received.push(received);
    for (let k = from; k < to; k++) {
      const t = topics[k] < 0 || !names ? topics[k] : names[topics[k]];
      if (t >= 0) this.topic.push(t);
    }
    this.topicStart.push(this.topic.length);
  }

  byAuthor(n: number, visit: (author: number, posts: number, received: number, topics: string[]) => void): void {
    const { offsets, order } = groupBy(this.author.data, this.author.length, n);
    const content = this.content.data;
    const received = this.received.data;
    const start = this.topicStart.data;
    const topic = this.topic.data;
    for (let a = 0; a < n; a++) {
      const lo = offsets[a];
      const hi = offsets[a + 1];
      if (lo === hi) continue;
      // Most authors have one post: no Set for its content, and its few topics compared in a list.
      const contents = hi - lo > 1 ? new Set<number>() : null;
      const about: string[] = [];
      let sum = 0;
      for (let k = lo; k < hi; k++) {
        const r = order[k];
        contents?.add(content[r]);
        sum += received[r];
        for (let t = start[r]; t < start[r + 1]; t++) {
          const name = this.names[topic[t]];
          if (!about.includes(name)) about.push(name);
        }
      }
      visit(a, contents ? contents.size : 1, sum, about.sort());
    }
  }
}
