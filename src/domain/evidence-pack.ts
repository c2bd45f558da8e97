/**
 * A projection's stance evidence in typed arrays, so that it crosses threads by moving buffers
 * instead of being copied object by object: at 100k customers the evidence is about 350k small
 * objects, and each structured clone of it (projection worker → service → scoring worker → back)
 * held the service's event loop for about 0.4 s. The projection worker packs it (EvidenceBuilder),
 * the service's thread only passes the buffers along, and the scoring worker's stance phase reads
 * it a customer at a time (forEachEvidence).
 *
 * Lossless for what the projection reads: the same Maps, entries in the same order (so the stance
 * phase iterates them as before), the same values; a null number (a missing date) travels as NaN
 * and comes back null. Cost O(pieces of evidence) each way.
 */
import type { StanceEvidence } from './stance.js';
import { groupBy } from '../analytics/csr.js';
import { compareNumbers, sortRun } from './projection-order.js';
import { Column, resized } from './typed-columns.js';

interface PackedBrand {
  /** Customer index of each entry, in the Map's order. */
  customers: Int32Array;
  /** Per entry, where its pieces start in each kind's columns (length entries + 1). */
  ratingOffsets: Int32Array;
  ratingScore: Float64Array;
  ratingAt: Float64Array;
  engagementOffsets: Int32Array;
  engagementSentiment: Float64Array;
  /** Index into PackedEvidence.kinds, −1 for none. */
  engagementKind: Int32Array;
  engagementAt: Float64Array;
  contentOffsets: Int32Array;
  contentSentiment: Float64Array;
  contentAt: Float64Array;
}

export interface PackedEvidence {
  kinds: string[];
  brands: PackedBrand[];
}

const toNumber = (v: number | null | undefined) => (v === null || v === undefined ? NaN : v);
const fromNumber = (v: number) => (Number.isNaN(v) ? (null as unknown as number) : v);

export function packEvidence(evidence: readonly Map<number, StanceEvidence>[]): PackedEvidence {
  const kinds: string[] = [];
  const kindIndex = new Map<string, number>();
  const brands = evidence.map((byCustomer) => {
    let r = 0;
    let e = 0;
    let c = 0;
    for (const ev of byCustomer.values()) {
      r += ev.ratings.length;
      e += ev.engagements.length;
      c += ev.content.length;
    }
    const k = byCustomer.size;
    const b: PackedBrand = {
      customers: new Int32Array(k),
      ratingOffsets: new Int32Array(k + 1),
      ratingScore: new Float64Array(r),
      ratingAt: new Float64Array(r),
      engagementOffsets: new Int32Array(k + 1),
      engagementSentiment: new Float64Array(e),
      engagementKind: new Int32Array(e),
      engagementAt: new Float64Array(e),
      contentOffsets: new Int32Array(k + 1),
      contentSentiment: new Float64Array(c),
      contentAt: new Float64Array(c),
    };
    let j = 0;
    r = e = c = 0;
    for (const [customer, ev] of byCustomer) {
      b.customers[j] = customer;
      for (const x of ev.ratings) {
        b.ratingScore[r] = toNumber(x.score);
        b.ratingAt[r++] = toNumber(x.at);
      }
      for (const x of ev.engagements) {
        let kind = -1;
        if (x.kind !== null && x.kind !== undefined) {
          kind = kindIndex.get(x.kind) ?? -1;
          if (kind < 0) kindIndex.set(x.kind, (kind = kinds.push(x.kind) - 1));
        }
        b.engagementSentiment[e] = toNumber(x.sentiment);
        b.engagementKind[e] = kind;
        b.engagementAt[e++] = toNumber(x.at);
      }
      for (const x of ev.content) {
        b.contentSentiment[c] = toNumber(x.sentiment);
        b.contentAt[c++] = toNumber(x.at);
      }
      j++;
      b.ratingOffsets[j] = r;
      b.engagementOffsets[j] = e;
      b.contentOffsets[j] = c;
    }
    return b;
  });
  return { kinds, brands };
}

/**
 * Calls `visit` with each customer's evidence for brand index `brand`, in the packed (Map) order,
 * building one customer's objects at a time: the stance phase reads the evidence this way, so the
 * scoring worker never holds every customer's evidence as objects (at 1M customers, millions of
 * them kept through every phase before the stance one).
 */
export function forEachEvidence(packed: PackedEvidence, brand: number, visit: (customer: number, evidence: StanceEvidence) => void): void {
  const b = packed.brands[brand];
  for (let j = 0; j < b.customers.length; j++) {
    const ev: StanceEvidence = { ratings: [], engagements: [], content: [] };
    for (let x = b.ratingOffsets[j]; x < b.ratingOffsets[j + 1]; x++) ev.ratings.push({ score: fromNumber(b.ratingScore[x]), at: fromNumber(b.ratingAt[x]) });
    for (let x = b.engagementOffsets[j]; x < b.engagementOffsets[j + 1]; x++) {
      const kind = b.engagementKind[x];
      ev.engagements.push({
        sentiment: fromNumber(b.engagementSentiment[x]),
        kind: kind < 0 ? (null as unknown as string) : packed.kinds[kind],
        at: fromNumber(b.engagementAt[x]),
      });
    }
    for (let x = b.contentOffsets[j]; x < b.contentOffsets[j + 1]; x++) ev.content.push({ sentiment: fromNumber(b.contentSentiment[x]), at: fromNumber(b.contentAt[x]) });
    visit(b.customers[j], ev);
  }
}

export function unpackEvidence(packed: PackedEvidence): Map<number, StanceEvidence>[] {
  return packed.brands.map((_, brand) => {
    const byCustomer = new Map<number, StanceEvidence>();
    forEachEvidence(packed, brand, (customer, ev) => byCustomer.set(customer, ev));
    return byCustomer;
  });
}

/** Entries (brands × customers) the builder keeps in arrays rather than Maps: 8M, 32 MB. */
const ENTRY_ARRAYS_MAX = 1 << 23;

/** Growable columns of one kind of evidence piece: the entry it belongs to and up to three numbers. */
class Pieces {
  readonly entry = new Column(new Int32Array(1024));
  readonly a = new Column(new Float64Array(1024));
  readonly b = new Column(new Float64Array(1024));
  readonly c = new Column(new Int32Array(1024));

  push(entry: number, a: number, b: number, c = 0): void {
    this.entry.push(entry);
    this.a.push(a);
    this.b.push(b);
    this.c.push(c);
  }

  /**
   * The pieces grouped by entry, the entries in the order `rank` gives them, each entry's pieces
   * ordered by b (the time), then a, then c (this kind's c column, or the one given).
   */
  grouped(rank: Int32Array, entries: number, c: Int32Array = this.c.data): { offsets: Int32Array; order: Int32Array } {
    const owner = new Int32Array(this.entry.length);
    const entry = this.entry.data;
    for (let x = 0; x < owner.length; x++) owner[x] = rank[entry[x]];
    const { offsets, order } = groupBy(owner, owner.length, entries);
    const [a, b] = [this.a.data, this.b.data];
    const compare = (x: number, y: number) => compareNumbers(b[x], b[y]) || compareNumbers(a[x], a[y]) || c[x] - c[y];
    for (let g = 0; g < entries; g++) if (offsets[g + 1] - offsets[g] > 1) sortRun(order, offsets[g], offsets[g + 1], compare);
    return { offsets, order };
  }
}

/**
 * Builds PackedEvidence directly, piece by piece, without the Maps and objects of StanceEvidence:
 * what packEvidence would give for Maps filled by the same calls, put in the canonical order of
 * build() (so the evidence does not depend on the order the database hands it over in), which
 * unpackEvidence turns into those Maps. The projection reads a customer base's evidence this way
 * (about 350k objects at 100k customers that were built only to be packed). A null number is NaN.
 */
export class EvidenceBuilder {
  private readonly kinds: string[] = [];
  private readonly kindIndex = new Map<string, number>();
  private readonly brands: { entries: Map<number, number> | Int32Array | null; customers: number[]; ratings: Pieces; engagements: Pieces; content: Pieces }[];
  /** Customers per brand's entry array (0: entries in Maps). */
  private readonly customerCount: number;

  /**
   * `customers`, when known, lets each brand find a customer's entry in an array instead of a Map
   * (a Map lookup was a third of the evidence's cost), while the arrays stay under 32 MB together.
   */
  constructor(brandCount: number, customers = 0) {
    this.customerCount = brandCount * customers <= ENTRY_ARRAYS_MAX ? customers : 0;
    this.brands = Array.from({ length: brandCount }, () => ({ entries: null, customers: [], ratings: new Pieces(), engagements: new Pieces(), content: new Pieces() }));
  }

  private entry(brand: number, customer: number): number {
    const b = this.brands[brand];
    if (b.entries === null) b.entries = this.customerCount > 0 ? new Int32Array(this.customerCount).fill(-1) : new Map();
    const entries = b.entries;
    let e = entries instanceof Map ? entries.get(customer) : entries[customer];
    if (e === undefined || e < 0) {
      e = b.customers.length;
      if (entries instanceof Map) entries.set(customer, e);
      else entries[customer] = e;
      b.customers.push(customer);
    }
    return e;
  }

  /** The index of an engagement kind in PackedEvidence.kinds (added if new); −1 for none. */
  kindOf(kind: string | null): number {
    if (kind === null) return -1;
    let k = this.kindIndex.get(kind) ?? -1;
    if (k < 0) this.kindIndex.set(kind, (k = this.kinds.push(kind) - 1));
    return k;
  }

  rating(brand: number, customer: number, score: number, at: number): void {
    this.brands[brand].ratings.push(this.entry(brand, customer), score, at);
  }

  engagement(brand: number, customer: number, sentiment: number, kind: string | null, at: number): void {
    this.engagementOfKind(brand, customer, sentiment, this.kindOf(kind), at);
  }

  /** An engagement whose kind is already an index (kindOf). */
  engagementOfKind(brand: number, customer: number, sentiment: number, kind: number, at: number): void {
    this.brands[brand].engagements.push(this.entry(brand, customer), sentiment, at, kind);
  }

  content(brand: number, customer: number, sentiment: number, at: number): void {
    this.brands[brand].content.push(this.entry(brand, customer), sentiment, at);
  }

  /**
   * The packed evidence in its canonical order, whatever order the pieces came in: each brand's
   * entries by customer index, each entry's pieces by time, then value, then kind (a NaN last),
   * the kinds by name.
   */
  build(): PackedEvidence {
    const kinds = [...this.kinds].sort();
    const kindRank = Int32Array.from(this.kinds, (kind) => kinds.indexOf(kind));
    const brands = this.brands.map(({ customers, ratings, engagements, content }): PackedBrand => {
      const k = customers.length;
      // Entry → its rank by customer index (customers are distinct within a brand).
      let top = 0;
      for (const c of customers) if (c >= top) top = c + 1;
      const at = new Int32Array(top).fill(-1);
      customers.forEach((c, e) => (at[c] = e));
      const rank = new Int32Array(k);
      const sorted = new Int32Array(k);
      for (let c = 0, r = 0; c < top; c++) {
        if (at[c] < 0) continue;
        rank[at[c]] = r;
        sorted[r++] = c;
      }
      const kindOf = engagements.c.data.slice(0, engagements.c.length);
      for (let x = 0; x < kindOf.length; x++) if (kindOf[x] >= 0) kindOf[x] = kindRank[kindOf[x]];
      const r = ratings.grouped(rank, k);
      const e = engagements.grouped(rank, k, kindOf);
      const c = content.grouped(rank, k);
      const pick = <T extends Int32Array | Float64Array>(from: Column<T> | T, order: Int32Array): T => {
        const data = from instanceof Column ? from.data : from;
        const out = resized(data, order.length, 0);
        for (let x = 0; x < order.length; x++) out[x] = data[order[x]];
        return out;
      };
      return {
        customers: sorted,
        ratingOffsets: r.offsets,
        ratingScore: pick(ratings.a, r.order),
        ratingAt: pick(ratings.b, r.order),
        engagementOffsets: e.offsets,
        engagementSentiment: pick(engagements.a, e.order),
        engagementKind: pick(kindOf, e.order),
        engagementAt: pick(engagements.b, e.order),
        contentOffsets: c.offsets,
        contentSentiment: pick(content.a, c.order),
        contentAt: pick(content.b, c.order),
      };
    });
    return { kinds, brands };
  }
}
