/**
 * Streams the customer graph out of Neo4j into typed arrays (see domain/projection.ts for the
 * combination rule).
 *
 * Where the time went, and what this reading does instead (100k customers / 1.3M ties, see
 * bench/results/projection-2026-11-30.md): most of Neo4j's CPU was spent reading the string `id`
 * of both ends of every relationship, checking the far end's label and grouping arcs in an eager
 * aggregation; the service then looked every end up in a string-keyed Map. Here
 *
 * - nodes are named by their internal id (`id()`, free to read: it is in the relationship
 *   record), returned as a float so the driver decodes a plain number, and mapped to an index
 *   through a dense Int32Array. Internal ids are only meaningful while they cannot be reused:
 *   Neo4j buffers the ids of deleted nodes until every transaction open at the deletion has
 *   closed, so the customer list is read in a read transaction that stays open until every other
 *   query of the projection has finished. A customer deleted meanwhile keeps its id unused, and
 *   arcs to a node that is not in the list (another label, or created meanwhile) are dropped, as
 *   before.
 * - each relationship kind is one record per source customer holding a pattern comprehension of
 *   [target, weight, …] (one expansion, streamed, no aggregation held in Neo4j's heap);
 * - the customer's evidence, posts and engagements come from one record per customer instead of
 *   five grouped queries;
 * - once the customer list is in, the kinds and the profile are read concurrently in their own
 *   sessions.
 *
 * Where the database has the launcher's procedures (`influencegraph.projection.*`, registered by
 * the embedded Neo4j; see java/neo4j-launcher/…/ProjectionProcedures.java), everything but the
 * brands comes from them instead (`reading: 'auto'`, the default): the customer list with each
 * customer's previous community, and the arcs, profile and newest event that two halves of the
 * relationship store give (a scan in relationship id order, far cheaper for the database than a
 * walk of each customer's relationships), read at once while the customer list comes, as packed
 * int32/float64 columns in a few dozen records, computed with the same rules as the Cypher below.
 * Chunks are taken as they come once the customer list is in. Interactions come with their time
 * and are decayed here (decayedCount) once the newest event of both halves is known (or at once
 * to a given asOf), so no query for the newest event holds the reading back. The stance evidence
 * goes straight into packed typed arrays (EvidenceBuilder).
 * Any other Neo4j is read with the Cypher, which the procedures' output is tested against
 * (`reading: 'cypher'` forces it). warmUp() runs the procedures twice on a sample after a start.
 *
 * Both readings end in the canonical order of domain/projection-order.ts (ties by source, target
 * and weight; interactions summed per pair in one order; posts grouped by author; evidence by
 * customer and time), so the arrays do not depend on the reading, on the order rows arrive in or
 * on the store's layout.
 *
 * Cost: O(n + m) in Neo4j and in the service; service memory O(n + m) in typed arrays plus the
 * records the driver buffers (its fetch size per session).
 */
import { endianness } from 'node:os';
import { EvidenceBuilder } from '../domain/evidence-pack.js';
import { InteractionRows, PostRows, placeBySource } from '../domain/projection-order.js';
import { resized } from '../domain/typed-columns.js';
import { ageSeconds, decayedCount, unpackProjectionEvidence, type Instant, type Projection, type ProjectionExtras, type ProjectionOptions, type ProjectionSource } from '../domain/projection.js';
import type { QueryResult } from 'neo4j-driver';
import { isProcedureNotFound, type GraphDatabase, type Tx } from './database.js';
import { previousCommunitiesRef, readCommunities } from './run-results-read.js';

/** Customers in id order, with the internal id that names them in the other queries. */
const CUSTOMERS = `
MATCH (c:Customer) WHERE c.id IS NOT NULL
RETURN toFloat(id(c)) AS key, c.id AS id, c.optedOut AS optedOut
ORDER BY c.id`;

const FOLLOWS = `
MATCH (a:Customer)
WITH a, [(a)-[t:FOLLOWS]->(b) | [toFloat(id(b)), t.weight]] AS arcs
WHERE size(arcs) > 0
RETURN toFloat(id(a)) AS key, [x IN arcs | x[0]] AS targets, [x IN arcs | x[1]] AS weights`;

const KNOWS = `
MATCH (a:Customer)
WITH a, [(a)-[t:KNOWS]->(b) | [toFloat(id(b)), t.weight]] AS arcs
WHERE size(arcs) > 0
RETURN toFloat(id(a)) AS key, [x IN arcs | x[0]] AS targets, [x IN arcs | x[1]] AS weights`;

/** Per interaction: target, age in seconds at asOf, count and sentiment, as parallel lists; decayed and summed per target in the service. */
const INTERACTIONS = `
WITH datetime($asOf) AS asOf
MATCH (a:Customer)
WITH a, [(a)-[i:INTERACTED]->(b) | [toFloat(id(b)), toFloat(duration.inSeconds(i.at, asOf).seconds),
        toFloat(coalesce(i.count, 1)), toFloat(i.sentiment)]] AS arcs
WHERE size(arcs) > 0
RETURN toFloat(id(a)) AS key, [x IN arcs | x[0]] AS targets, [x IN arcs | x[1]] AS ages, [x IN arcs | x[2]] AS counts,
       [x IN arcs | x[3]] AS sentiments`;

/** The newest event of the customers (what the procedures' `latest` chunks name, half by half). */
const LATEST_EVENT = `
CALL { MATCH (:Customer)-[r:INTERACTED]->() RETURN max(r.at) AS t
       UNION ALL MATCH (:Customer)-[r:ENGAGED]->() RETURN max(r.at) AS t
       UNION ALL MATCH (:Customer)-[r:RATED]->() RETURN max(r.at) AS t }
RETURN toString(max(t)) AS latest`;

const BRANDS = `MATCH (b:Brand) RETURN b.id AS id ORDER BY id`;

/**
 * What each customer did, one record per customer with any of it:
 * engagements (brand, sentiment, kind, at as parallel lists), ratings [brand, score, at] and posts
 * [content, sentiment, brand, createdAt, topics, engagements received from customers].
 */
const PROFILE = `
MATCH (c:Customer)
WITH c,
  [(c)-[e:ENGAGED]->(t) | [CASE WHEN t:Brand THEN t.id ELSE t.brandId END, toFloat(coalesce(e.sentiment, 0.0)), e.kind, toFloat(e.at.epochMillis)]] AS engaged,
  [(c)-[x:RATED]->(b:Brand) | [b.id, toFloat(x.score), toFloat(x.at.epochMillis)]] AS ratings,
  [(c)-[:POSTED]->(p:Content) | [toFloat(id(p)), toFloat(p.sentiment),
      coalesce(p.brandId, [(p)-[:MENTIONS]->(pr:Product) | pr.brandId][0]), toFloat(p.createdAt.epochMillis),
      [(p)-[:ABOUT]->(t:Topic) | t.id], toFloat(COUNT { (p)<-[:ENGAGED]-(:Customer) })]] AS posts
WHERE size(engaged) > 0 OR size(ratings) > 0 OR size(posts) > 0
RETURN toFloat(id(c)) AS key, [x IN engaged | x[0]] AS engagedBrands, [x IN engaged | x[1]] AS engagedSentiments,
       [x IN engaged | x[2]] AS engagedKinds, [x IN engaged | x[3]] AS engagedAt, ratings, posts`;

/** CUSTOMERS through the procedure, in id order: chunks of part customers (ints [opted out]; floats [internal id]; string column [id]). */
const CUSTOMER_CHUNKS = `
CALL influencegraph.projection.customers() YIELD part, rows, ints, floats, strings
RETURN part, toFloat(rows) AS rows, ints, floats, strings`;
/**
 * Each customer's community in the run results $previous names, or −1, in CUSTOMER_CHUNKS' order
 * (read in the same transaction, after it): chunks of part previous (ints [community]).
 */
const PREVIOUS_CHUNKS = `
CALL influencegraph.projection.previous($previous) YIELD part, rows, ints, floats, strings
RETURN part, toFloat(rows) AS rows, ints, floats, strings`;
/**
 * The relationship id that halves the relationship store (for two concurrent READ_CHUNKS), the
 * warm-up's sample and the store's count of each arc kind; also the probe for the procedures (a database without them answers
 * ProcedureNotFound, cheaper than listing the procedures).
 */
const SPLIT = `
CALL influencegraph.projection.split() YIELD at, sample, sampleUpper, follows, knows, interactions
RETURN toFloat(at) AS at, toFloat(sample) AS sample, toFloat(sampleUpper) AS sampleUpper, toFloat(follows) AS follows, toFloat(knows) AS knows, toFloat(interactions) AS interactions`;
/** The instant of a date-time the caller gave (the packed reading decays interactions to it in the service). */
const INSTANT = `WITH datetime($asOf) AS t RETURN toFloat(t.epochSeconds) AS seconds, toFloat(t.nanosecond) AS nano`;
/** Past every relationship id: the end of the upper half's range. */
const RELATIONSHIPS_END = Number.MAX_SAFE_INTEGER;
/**
 * The relationships with an internal id in [from, to) that start at a customer: the arcs and
 * profile they give as packed chunks (parts follows, knows, interactions, engaged, rated, posted,
 * in relationship id order), then their newest event (part latest).
 */
const READ_CHUNKS = `
CALL influencegraph.projection.read(toInteger($from), toInteger($to))
YIELD part, rows, ints, floats, strings
RETURN part, toFloat(rows) AS rows, ints, floats, strings`;

/** How the relationship kinds and the profile are read: the procedures when present, or Cypher only. */
export type ProjectionReading = 'auto' | 'cypher' | 'procedures';

type Row = Record<string, unknown>;

/**
 * One chunk of a projection procedure: its int32 columns, then its string columns as indexes into
 * `strings` (−1 for null), then any tail of string indexes; and its float64 columns.
 */
interface Chunk {
  part: string;
  rows: number;
  ints: Int32Array;
  floats: Float64Array;
  strings: string[];
}

/** A column of a chunk (little-endian bytes in base64) as typed values. */
export function typed<T extends Int32Array | Float64Array>(base64: string, Type: { new (b: ArrayBufferLike, o: number, n: number): T; BYTES_PER_ELEMENT: number }): T {
  const bytes = Buffer.from(base64, 'base64');
  const size = Type.BYTES_PER_ELEMENT;
  if (bytes.byteOffset % size === 0) return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / size);
  return new Type(bytes.slice().buffer, 0, bytes.byteLength / size);
}

function chunkOf(r: Row): Chunk {
  return { part: r.part as string, rows: r.rows as number, ints: typed(r.ints as string, Int32Array), floats: typed(r.floats as string, Float64Array), strings: r.strings as string[] };
}

/** The string a chunk's index names (−1: null). */
const word = (chunk: Chunk, at: number): string | null => (at < 0 ? null : chunk.strings[at]);

/** Internal node id → customer index: a dense array when the ids are dense (the usual case), a Map otherwise. */
class KeyIndex {
  private readonly dense: Int32Array | null;
  private readonly sparse: Map<number, number> | null;

  constructor(keys: number[]) {
    let max = -1;
    for (const k of keys) if (k > max) max = k;
    if (max < 8 * keys.length + 1_000_000) {
      this.dense = new Int32Array(max + 1).fill(-1);
      keys.forEach((k, i) => (this.dense![k] = i));
      this.sparse = null;
    } else {
      this.dense = null;
      this.sparse = new Map(keys.map((k, i) => [k, i]));
    }
  }

  /** The customer index of a node, −1 when the node is not a listed customer. */
  get(key: number): number {
    if (this.dense) return key >= 0 && key < this.dense.length ? this.dense[key] : -1;
    return this.sparse!.get(key) ?? -1;
  }
}

/** Growable parallel arrays of arcs of one kind (ties have no sentiment volumes). */
class ArcBuffer {
  src = new Int32Array(1 << 12);
  dst = new Int32Array(1 << 12);
  w = new Float64Array(1 << 12);
  pos: Float64Array | null;
  neg: Float64Array | null;
  length = 0;

  constructor(readonly tie: boolean) {
    this.pos = tie ? null : new Float64Array(1 << 12);
    this.neg = tie ? null : new Float64Array(1 << 12);
  }

  /** Makes room for `n` arcs in all (a known count: one allocation instead of doubling up to it). */
  reserve(n: number): void {
    if (n <= this.src.length) return;
    this.src = resized(this.src, n, this.length);
    this.dst = resized(this.dst, n, this.length);
    this.w = resized(this.w, n, this.length);
    if (this.pos) this.pos = resized(this.pos, n, this.length);
    if (this.neg) this.neg = resized(this.neg, n, this.length);
  }

  push(u: number, v: number, weight: number, pos = 0, neg = 0): void {
    if (this.length === this.src.length) this.reserve(2 * this.length);
    this.src[this.length] = u;
    this.dst[this.length] = v;
    this.w[this.length] = weight;
    if (this.pos) this.pos[this.length] = pos;
    if (this.neg) this.neg[this.length] = neg;
    this.length++;
  }
}

/**
 * The arcs of all kinds in one set of exactly sized arrays, kinds in the order given, the ties of
 * each kind in the canonical order (placeBySource; the interactions come summed in it already).
 */
function joinArcs(parts: ArcBuffer[], n: number) {
  const m = parts.reduce((sum, p) => sum + p.length, 0);
  const out = {
    src: new Int32Array(m),
    dst: new Int32Array(m),
    weight: new Float64Array(m),
    isTie: new Uint8Array(m),
    positiveVolume: new Float64Array(m),
    negativeVolume: new Float64Array(m),
  };
  let at = 0;
  for (const p of parts) {
    if (p.tie) placeBySource(p, p.length, { src: out.src, dst: out.dst, w: out.weight }, at, n);
    else {
      out.src.set(p.src.subarray(0, p.length), at);
      out.dst.set(p.dst.subarray(0, p.length), at);
      out.weight.set(p.w.subarray(0, p.length), at);
    }
    if (p.tie) out.isTie.fill(1, at, at + p.length);
    if (p.pos) out.positiveVolume.set(p.pos.subarray(0, p.length), at);
    if (p.neg) out.negativeVolume.set(p.neg.subarray(0, p.length), at);
    at += p.length;
  }
  return out;
}

/** Waits for every read (none left running against a closed guard), then reports the first failure. */
async function settled(reads: Promise<unknown>[]): Promise<void> {
  const outcomes = await Promise.allSettled(reads);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A tie weight as stored: unset, zero or negative count as 1 (integers stored by other writers are decoded). */
function tieWeight(raw: unknown): number {
  const w = typeof raw === 'number' ? raw : raw === null || raw === undefined ? NaN : Number(raw);
  return w > 0 ? w : 1;
}

/** What SPLIT returns. */
interface Split {
  at: number;
  /** The warm-up's sample: the first 1,000,000 relationships of each half (the whole half, when fewer) lie in [0, sample) and [at, sampleUpper). */
  sample: number;
  sampleUpper: number;
  follows: number;
  knows: number;
  interactions: number;
}

export class Neo4jProjectionRepository implements ProjectionSource {
  constructor(
    private readonly db: GraphDatabase,
    private readonly reading: ProjectionReading = 'auto',
    /** 'packed': the projection keeps its evidence packed (`packedEvidence`), as it crosses threads; 'maps' unpacks it. */
    private readonly evidence: 'maps' | 'packed' = 'maps',
  ) {}

  /**
   * One read through a projection procedure when they can be used, null otherwise: when the reading
   * is 'cypher', on a big-endian machine, or when the database has no such procedure
   * (ProcedureNotFound, which then is an error if the reading is 'procedures').
   */
  private async viaProcedure<T>(cypher: string, take: (result: QueryResult) => T): Promise<T | null> {
    if (this.reading === 'cypher' || endianness() !== 'LE') return null;
    try {
      return await this.db.read(async (tx) => take(await tx.run(cypher)));
    } catch (error) {
      if (!isProcedureNotFound(error)) throw error;
      if (this.reading === 'procedures') throw new Error('The influencegraph.projection procedures are not registered in this database');
      return null;
    }
  }

  /**
   * Runs the projection's statements twice, as a projection does, with the read on a sample of the
   * relationships (the first 1,000,000 by internal id of each half the projection reads, in
   * parallel as it reads them: a 100k base whole) and nothing kept: the first
   * projection after the database starts otherwise pays for planning these statements and for the
   * database compiling the code that serves them, about 2 of 5 s at 100k customers (measured on the
   * embedded database; bench/results/publication-2026-12-01.md). Resolves false when the procedures
   * are not there (the Cypher reading is not warmed).
   */
  async warmUp(): Promise<boolean> {
    const split = await this.viaProcedure(SPLIT, (r) => r.records[0].toObject() as Split);
    if (split === null) return false;
    const ignore = () => undefined;
    // Twice: the second pass finds the database's code compiled by the first. After one pass, the
    // first projection at 100k customers cost Neo4j 3.8–4.1 s of CPU and took 2.9 s, the next ones
    // 2.5–2.8 s and 2.0–2.4 s; after two, the first already 2.7 s and 2.2 s (the second pass: about 2.7 s).
    for (let pass = 0; pass < 2; pass++) {
      await settled([
        previousCommunitiesRef(this.db).then((previous) =>
          this.db.read(async (t) => {
            await t.run(CUSTOMER_CHUNKS);
            if (previous !== null) await t.run(PREVIOUS_CHUNKS, { previous });
          }),
        ),
        // Both halves, as a projection reads them (two reading threads, and a 100k base's whole store in the page cache).
        this.stream(READ_CHUNKS, { from: 0, to: split.sample }, ignore),
        this.stream(READ_CHUNKS, { from: split.at, to: split.sampleUpper }, ignore),
      ]);
    }
    return true;
  }

  async project(
    options: ProjectionOptions,
    onProgress: (what: string, rows: number) => void = () => undefined,
    _signal?: AbortSignal,
    extras: ProjectionExtras = {},
  ): Promise<Projection> {
    // The guard transaction reads the customer list and stays open until every other query is done.
    const projection = await this.db.read((tx) => this.projectWithin(tx, options, onProgress, extras));
    if (this.evidence === 'maps') unpackProjectionEvidence(projection);
    return projection;
  }

  private async projectWithin(
    tx: Tx,
    options: ProjectionOptions,
    onProgress: (what: string, rows: number) => void,
    extras: ProjectionExtras,
  ): Promise<Projection> {
    await tx.run('RETURN 1');
    // The split also says whether the procedures are there (null: read with Cypher only).
    const split = this.viaProcedure(SPLIT, (r) => r.records[0].toObject() as Split);
    const packed = split.then((at) => at !== null);
    const ids: string[] = [];
    const keys: number[] = [];
    const optedOutList: number[] = [];
    /** The packed reading's previous community of each customer (the Cypher reading's comes from `previous`). */
    const previousList: number[] = [];
    // The last run's communities: the procedures join them to the customer list; the Cypher reading
    // reads them whole and joins them by id at the end.
    const previousRef = extras.previousCommunities ? previousCommunitiesRef(this.db) : Promise.resolve(null);
    let index!: KeyIndex;

    const n = () => ids.length;
    const follows = new ArcBuffer(true);
    const knows = new ArcBuffer(true);
    const interactions = new ArcBuffer(false);
    const counts = { follows: 0, knows: 0, interactions: 0 };
    let followers!: Int32Array, following!: Int32Array;
    let amplificationReceived!: Float64Array, amplificationGiven!: Float64Array;
    let interactionsReceived!: Int32Array, interactionsGiven!: Int32Array;
    let posts!: Int32Array, engagementsReceived!: Int32Array, engagementsGiven!: Int32Array;
    let topics!: string[][];
    let lastPurchaseAt!: Float64Array;
    const allocate = () => {
      followers = new Int32Array(n());
      following = new Int32Array(n());
      amplificationReceived = new Float64Array(n());
      amplificationGiven = new Float64Array(n());
      interactionsReceived = new Int32Array(n());
      interactionsGiven = new Int32Array(n());
      posts = new Int32Array(n());
      engagementsReceived = new Int32Array(n());
      engagementsGiven = new Int32Array(n());
      topics = Array.from({ length: n() }, () => []);
      lastPurchaseAt = new Float64Array(n()).fill(NaN);
    };

    const brandIds: string[] = [];
    const brandIndex = new Map<string, number>();
    let evidence!: EvidenceBuilder;
    const brandsRead = this.stream(BRANDS, {}, (r) => brandIds.push(r.id as string));
    // The arcs are taken once the customer list is complete: with the procedures, before the
    // previous communities are read (in the same transaction, after it). The Cypher reading's other
    // queries start only then (buffering their records meanwhile costs the service more memory and
    // garbage collection than the wait costs time); the packed reading's chunks are compact enough to wait.
    let listComplete = false;
    let markListed!: () => void;
    const listedSignal = new Promise<void>((resolve) => (markListed = resolve));
    const completeList = async () => {
      if (listComplete) return;
      listComplete = true;
      await brandsRead;
      brandIds.forEach((b, i) => brandIndex.set(b, i));
      evidence = new EvidenceBuilder(brandIds.length, ids.length);
      index = new KeyIndex(keys);
      allocate();
      onProgress('customers', ids.length);
      markListed();
    };
    const customersRead = (async () => {
      if (await packed) {
        for await (const record of tx.run(CUSTOMER_CHUNKS)) {
          const chunk = chunkOf(record.toObject() as Row);
          for (let j = 0; j < chunk.rows; j++) {
            keys.push(chunk.floats[j]);
            ids.push(word(chunk, chunk.ints[chunk.rows + j])!);
            optedOutList.push(chunk.ints[j]);
          }
        }
        await completeList();
        const previous = await previousRef;
        if (previous !== null) {
          for await (const record of tx.run(PREVIOUS_CHUNKS, { previous })) {
            const chunk = chunkOf(record.toObject() as Row);
            for (let j = 0; j < chunk.rows; j++) previousList.push(chunk.ints[j]);
          }
        }
      } else {
        for await (const record of tx.run(CUSTOMERS)) {
          keys.push(record.get('key') as number);
          ids.push(record.get('id') as string);
          optedOutList.push(record.get('optedOut') === true ? 1 : 0);
        }
      }
      await completeList();
    })();
    /** Settles once the customer list is complete (or its read failed). */
    const customersListed = Promise.race([listedSignal, customersRead]);

    let asOf = options.asOf;
    /** The Cypher reading's asOf, when none was given: the newest event (the packed reading's comes with its chunks). */
    const cypherAsOf = async () => {
      if (asOf) return;
      const result = await this.db.read((t) => t.run(LATEST_EVENT));
      asOf = (result.records[0]?.get('latest') as string | null) ?? new Date().toISOString();
    };

    let streamed = 0;
    const tick = (rows = 1) => onProgress('relationships', (streamed += rows));

    /**
     * The arcs of one source: targets[t + j] and the values of column c at values[c][v + j], for
     * j < n (a Cypher record's lists with offsets 0, or a chunk's columns at the source's rows).
     */
    type Arcs = (key: number, n: number, targets: ArrayLike<number>, t: number, values: ArrayLike<unknown>[], v: number[]) => void;

    const tie = (kind: 'follows' | 'knows', into: ArcBuffer): Arcs => (key, n, targets, t, [weights], [w0]) => {
      const u = index.get(key);
      if (u < 0) return;
      for (let j = 0; j < n; j++) {
        const v = index.get(targets[t + j]);
        if (v < 0) continue;
        const w = tieWeight(weights[w0 + j]);
        into.push(u, v, w);
        if (kind === 'knows') into.push(v, u, w);
        else {
          followers[v]++;
          following[u]++;
        }
        counts[kind]++;
      }
      tick();
    };

    // Interactions are summed per pair once every row is in, in the canonical order (projection-order.ts).
    const interactionRows = new InteractionRows();
    const interaction: Arcs = (key, n, to, t, values, offsets) => {
      const u = index.get(key);
      if (u < 0) return;
      const [decays, rawCounts, sentiments] = values as ArrayLike<number | null>[];
      const [d0, c0, s0] = offsets;
      for (let j = 0; j < n; j++) {
        const v = index.get(to[t + j]);
        if (v < 0) continue;
        interactionRows.push(u, v, decays[d0 + j] || 0, rawCounts[c0 + j] || 0, orNaN(sentiments[s0 + j]));
        counts.interactions++;
      }
      tick();
    };
    /** The interaction arcs and the customers' interaction figures, from every row. */
    const sumInteractions = () => {
      interactions.reserve(interactionRows.length);
      interactionRows.aggregate(n(), (u, v, volume, raw, positive, negative) => {
        const vol = Number.isFinite(volume) && volume > 0 ? volume : 0;
        amplificationReceived[v] += vol;
        amplificationGiven[u] += vol;
        interactionsReceived[v] += raw;
        interactionsGiven[u] += raw;
        if (vol > 0) interactions.push(u, v, options.interactionWeight * vol, positive || 0, negative || 0);
      });
    };
    /** A Cypher record of lists, handed to an Arcs reader. */
    const record = (arcs: Arcs, names: string[]) => (r: Row) => {
      const to = r.targets as unknown[];
      arcs(r.key as number, to.length, to as number[], 0, names.map((name) => r[name] as unknown[]), names.map(() => 0));
    };

    // The stance evidence goes straight into packed columns (evidence-pack.ts); a null number is NaN.
    const brandOf = (brand: string | null): number => (brand === null ? -1 : (brandIndex.get(brand) ?? -1));
    const orNaN = (x: number | null | undefined): number => (x === null || x === undefined ? NaN : x);
    /** A customer's engagement: counted, its purchase time kept, and evidence for a known brand. */
    const engagement = (i: number, brand: string | null, sentiment: number, kind: string | null, at: number) => {
      engagementsGiven[i]++;
      if (kind === 'purchase' && at === at && !(at <= lastPurchaseAt[i])) lastPurchaseAt[i] = at;
      const b = brandOf(brand);
      if (b >= 0) evidence.engagement(b, i, sentiment, kind, at);
    };
    const rating = (i: number, brand: string | null, score: number, at: number) => {
      const b = brandOf(brand);
      if (b >= 0) evidence.rating(b, i, score, at);
    };
    /** A customer's posts, as [content, sentiment, brand, createdAt, topic ids, engagements received] each. */
    const postRows = new PostRows();
    const postsOf = (i: number, posted: Iterable<[number, number, string | null, number, (string | null)[], number]>) => {
      for (const [content, sentiment, brand, at, topicIds, engaged] of posted) {
        postRows.push(i, content, engaged, topicIds.map((t) => (t === null ? -1 : postRows.topicOf(t))));
        const b = brandOf(brand);
        if (sentiment === sentiment && b >= 0) evidence.content(b, i, sentiment, at);
      }
    };
    /** Each author's distinct posts, engagements received and topics, from every post. */
    const sumPosts = () =>
      postRows.byAuthor(n(), (i, count, received, about) => {
        posts[i] = count;
        engagementsReceived[i] = received;
        topics[i] = about;
      });
    const profile = (r: Row) => {
      const i = index.get(r.key as number);
      if (i < 0) return;
      const brands = r.engagedBrands as (string | null)[];
      const sentiments = r.engagedSentiments as (number | null)[];
      const kinds = r.engagedKinds as (string | null)[];
      const times = r.engagedAt as (number | null)[];
      for (let j = 0; j < brands.length; j++) engagement(i, brands[j], orNaN(sentiments[j]), kinds[j], orNaN(times[j]));
      for (const [brand, score, at] of r.ratings as [string | null, number | null, number | null][]) rating(i, brand, orNaN(score), orNaN(at));
      const posted = r.posts as [number, number | null, string | null, number | null, (string | null)[], number][];
      postsOf(i, posted.map(([content, sentiment, brand, at, topicIds, engaged]) => [content, orNaN(sentiment), brand, orNaN(at), topicIds, engaged]));
    };

    let previous: Map<string, number> | undefined;
    const previousRead = packed.then(async (p) => {
      const ref = await previousRef;
      if (!p && ref !== null) previous = await readCommunities(this.db, ref);
    });

    const halfLifeSeconds = options.halfLifeDays * 86_400;
    // The procedures name nodes by int32 internal ids: their chunks are used when every customer's id fits.
    const keysFit = () => keys.every((k) => k <= 0x7fffffff);

    /**
     * A chunk of the profile (one part), row by row, as profile() reads a record; a chunk's strings
     * (brands, kinds, topics) are resolved once per chunk rather than per row.
     */
    const profileChunk = (chunk: Chunk) => {
      const { ints, floats, rows, part, strings } = chunk;
      const brandOfWord = Int32Array.from(strings, (s) => brandOf(s));
      const brandAt = (column: number, j: number) => (ints[column * rows + j] < 0 ? -1 : brandOfWord[ints[column * rows + j]]);
      // Kinds become evidence kinds only when first met on an engagement with a known brand (as engagement() does).
      const kindOfWord = new Int32Array(strings.length).fill(-2);
      const purchase = strings.indexOf('purchase');
      const topicOfWord = part === 'posted' ? Int32Array.from(strings, (s) => postRows.topicOf(s)) : null;
      let topic = 4 * rows; // the posted part's topic indexes follow its 3 int and 1 string columns, in row order
      let source = -1;
      let i = -1;
      for (let j = 0; j < rows; j++) {
        if (j === 0 || ints[j] !== source) i = index.get((source = ints[j]));
        if (part === 'engaged') {
          if (i < 0) continue;
          const kindWord = ints[2 * rows + j];
          const at = floats[rows + j];
          engagementsGiven[i]++;
          if (kindWord === purchase && kindWord >= 0 && at === at && !(at <= lastPurchaseAt[i])) lastPurchaseAt[i] = at;
          const b = brandAt(1, j);
          if (b < 0) continue;
          if (kindWord >= 0 && kindOfWord[kindWord] === -2) kindOfWord[kindWord] = evidence.kindOf(strings[kindWord]);
          evidence.engagementOfKind(b, i, floats[j], kindWord < 0 ? -1 : kindOfWord[kindWord], at);
        } else if (part === 'rated') {
          const b = brandAt(1, j);
          if (i >= 0 && b >= 0) evidence.rating(b, i, floats[j], floats[rows + j]);
        } else {
          const count = ints[2 * rows + j];
          if (i >= 0) {
            postRows.push(i, floats[j], ints[rows + j], ints, topic, topic + count, topicOfWord!);
            const sentiment = floats[rows + j];
            const b = brandAt(3, j);
            if (sentiment === sentiment && b >= 0) evidence.content(b, i, sentiment, floats[2 * rows + j]);
          }
          topic += count;
        }
      }
    };
    const tieArcs = { follows: tie('follows', follows), knows: tie('knows', knows) };
    /**
     * A chunk of ties, as tie() reads it source by source but in one loop over the typed columns
     * (the shared reader, which also takes Cypher's lists, cost about three times as much a tie).
     */
    const tieChunk = (kind: 'follows' | 'knows', into: ArcBuffer, chunk: Chunk) => {
      const { ints, floats, rows } = chunk;
      const both = kind === 'knows';
      const needed = into.length + (both ? 2 : 1) * rows;
      if (needed > into.src.length) into.reserve(Math.max(needed, 2 * into.src.length));
      const { src, dst, w } = into;
      // Locals rather than the closure's variables in the loop.
      const keyIndex = index;
      const into1 = followers;
      const outOf = following;
      let at = into.length;
      let tied = 0;
      let source = -1;
      let u = -1;
      for (let j = 0; j < rows; j++) {
        if (j === 0 || ints[j] !== source) u = keyIndex.get((source = ints[j]));
        if (u < 0) continue;
        const v = keyIndex.get(ints[rows + j]);
        if (v < 0) continue;
        const weight = floats[j] > 0 ? floats[j] : 1;
        src[at] = u;
        dst[at] = v;
        w[at++] = weight;
        if (both) {
          src[at] = v;
          dst[at] = u;
          w[at++] = weight;
        } else {
          into1[v]++;
          outOf[u]++;
        }
        tied++;
      }
      into.length = at;
      counts[kind] += tied;
      tick(rows);
    };
    /**
     * The packed interactions carry their time (seconds and nanosecond columns): they wait, in the
     * order they came, until the instant they decay to is known, then go to the interaction rows
     * decayed, as the Cypher reading's `decayed` list does (interaction()).
     */
    let instant: Instant | null = null;
    const undecayed: Chunk[] = [];
    const interactionChunk = (chunk: Chunk) => {
      const { ints, floats, rows } = chunk;
      let source = -1;
      let u = -1;
      for (let j = 0; j < rows; j++) {
        if (j === 0 || ints[j] !== source) u = index.get((source = ints[j]));
        if (u < 0) continue;
        const v = index.get(ints[rows + j]);
        if (v < 0) continue;
        const count = floats[rows + j];
        const decayed = decayedCount(count, ageSeconds({ seconds: floats[j], nano: ints[2 * rows + j] }, instant!), halfLifeSeconds);
        interactionRows.push(u, v, decayed || 0, count || 0, floats[2 * rows + j]);
        counts.interactions++;
      }
      tick(rows);
    };
    const decayTo = (to: Instant) => {
      instant = to;
      undecayed.splice(0).forEach(interactionChunk);
    };
    /** The newest event of the halves taken so far (on a tie, the one whose text sorts first, whichever half came first). */
    let newest: (Instant & { text: string }) | null = null;
    const onChunk = (chunk: Chunk) => {
      if (chunk.part === 'follows') tieChunk('follows', follows, chunk);
      else if (chunk.part === 'knows') tieChunk('knows', knows, chunk);
      else if (chunk.part === 'interactions') {
        if (instant) interactionChunk(chunk);
        else undecayed.push(chunk);
      } else if (chunk.part === 'latest') {
        const at = { seconds: chunk.floats[0], nano: chunk.ints[0], text: word(chunk, chunk.ints[1])! };
        const order = newest ? at.seconds - newest.seconds || at.nano - newest.nano : 1;
        if (!newest || order > 0 || (order === 0 && at.text < newest.text)) newest = at;
      } else profileChunk(chunk);
    };

    /**
     * The packed reading: two halves of the relationship store by internal id, read at once (Neo4j
     * serves each on its own thread) and while the customer list is still coming, taken as they
     * come once the list is in (the canonical order makes the arrays the same whichever half
     * arrives first). Resolves false, with nothing taken, when a customer's internal id does not
     * fit the procedure's int32 columns.
     */
    const readPacked = async (): Promise<boolean> => {
      const halves = (await split) as Split;
      const splitAt = halves.at;
      // The store's counts of each kind bound the arcs to come (a KNOWS tie is two arcs).
      follows.reserve(halves.follows);
      knows.reserve(2 * halves.knows);
      interactions.reserve(halves.interactions);
      interactionRows.reserve(halves.interactions);
      const waiting: Chunk[] = [];
      const state = { listed: false, fits: true };
      const drain = () => {
        if (state.listed && state.fits) waiting.splice(0).forEach(onChunk);
      };
      const take = (r: Row) => {
        waiting.push(chunkOf(r));
        drain();
      };
      const listed = customersListed.then(() => {
        state.listed = true;
        state.fits = keysFit();
        drain();
      });
      // The instant interactions decay to: the one given, or the newest event of both halves once both are in.
      const given = asOf ? this.db.read((t) => t.run(INSTANT, { asOf })).then((r) => decayTo({ seconds: r.records[0].get('seconds') as number, nano: r.records[0].get('nano') as number })) : null;
      const lower = this.stream(READ_CHUNKS, { from: 0, to: splitAt }, take);
      const upper = this.stream(READ_CHUNKS, { from: splitAt, to: RELATIONSHIPS_END }, take);
      await settled([lower, upper, listed, ...(given ? [given] : [])]);
      drain();
      if (!state.fits) return false;
      if (!given) {
        const now = Date.now();
        asOf = newest?.text ?? new Date(now).toISOString();
        decayTo(newest ?? { seconds: Math.floor(now / 1000), nano: (now % 1000) * 1e6 });
      }
      return true;
    };
    const readCypher = () =>
      settled([
        this.stream(FOLLOWS, {}, record(tieArcs.follows, ['weights'])),
        this.stream(KNOWS, {}, record(tieArcs.knows, ['weights'])),
        this.stream(INTERACTIONS, { asOf }, (r) => {
          const counts = r.counts as (number | null)[];
          r.decayed = (r.ages as (number | null)[]).map((age, j) => decayedCount(counts[j] as number, age, halfLifeSeconds));
          record(interaction, ['decayed', 'counts', 'sentiments'])(r);
        }),
        this.stream(PROFILE, {}, profile),
      ]);

    const reads = [
      previousRead,
      customersRead,
      brandsRead,
      packed
        .then((p) => p && readPacked())
        .then(async (done) => {
          if (!done) await Promise.all([customersRead, cypherAsOf()]).then(readCypher);
        }),
    ];
    await settled(reads);
    sumInteractions();
    sumPosts();

    const previousCommunity = previousList.length === n() ? Int32Array.from(previousList) : new Int32Array(n()).fill(-1);
    if (previous) ids.forEach((id, i) => (previousCommunity[i] = previous!.get(id) ?? -1));
    const arcs = joinArcs([follows, knows, interactions], n());
    return {
      ids,
      optedOut: Uint8Array.from(optedOutList),
      previousCommunity,
      ...arcs,
      brands: brandIds,
      evidence: [],
      packedEvidence: evidence.build(),
      lastPurchaseAt,
      asOf: asOf!,
      followers,
      following,
      interactionsReceived,
      interactionsGiven,
      posts,
      engagementsReceived,
      engagementsGiven,
      topics,
      amplificationReceived,
      amplificationGiven,
      counts,
    };
  }

  private stream(cypher: string, params: Record<string, unknown>, onRecord: (record: Row) => void): Promise<void> {
    return this.db.stream(cypher, params, onRecord);
  }
}
