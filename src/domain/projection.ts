/**
 * The projection: the customer-to-customer graph streamed out of Neo4j into typed arrays, in the
 * shape the analytics kernel takes. Its combination rule is the one place that decides how ties
 * and interactions become one weighted directed graph.
 *
 * An arc u → v means "u pays attention to v": u follows v, u knows v (KNOWS gives both arcs), or
 * u amplified v (mentioned, replied to, shared, liked, commented on, quoted v). So rank flows to
 * the people others listen to. The weight of u → v is
 *
 *   w(u→v) = followsWeight(u→v) + knowsWeight({u,v})
 *          + interactionWeight · Σ_i count_i · 2^(−age_i / halfLifeDays)
 *
 * over the INTERACTED relationships i from u to v, age measured from `asOf`. Tie weights default
 * to 1 when unset. Interactions alone create an arc (someone who shares your posts without
 * following you still listens to you). Sentiment does not change the weight: a hostile share
 * spreads a voice as far as a friendly one; sentiment is judged by the stance analysis.
 */
import { forEachEvidence, packEvidence, unpackEvidence, type PackedEvidence } from './evidence-pack.js';
import { nextTurn, packLists, packStrings, unpackLists, unpackStrings, type PackedLists, type PackedStrings } from './packed-strings.js';
import type { StanceEvidence } from './stance.js';

export interface ProjectionOptions {
  /** Multiplier of the decayed interaction counts (default 0.5). */
  interactionWeight: number;
  /** Half-life of an interaction's contribution, in days (default 180). */
  halfLifeDays: number;
  /** The date ages are measured from. Default: the newest interaction, engagement or rating of a customer stored (so a historical import is read as of its own time). ISO 8601. */
  asOf?: string;
}

export const DEFAULT_PROJECTION: ProjectionOptions = { interactionWeight: 0.5, halfLifeDays: 180 };

/** An instant as a date-time's epoch seconds (floor) and nanosecond. */
export interface Instant {
  seconds: number;
  nano: number;
}

/**
 * The age of an event at `at` as of `asOf`, in whole seconds rounded down, as Cypher's
 * `duration.inSeconds(at, asOf).seconds` gives it (1.6 s → 1, −1.6 s → −2). NaN when `at` is
 * not a date-time (seconds NaN).
 */
export function ageSeconds(at: Instant, asOf: Instant): number {
  return asOf.seconds - at.seconds - (asOf.nano >= at.nano ? 0 : 1);
}

/**
 * An interaction's count decayed over its age: count · 2^(−age / halfLifeSeconds). Both readings
 * decay here, so they agree to the bit. NaN when the age is unknown (null or NaN).
 */
export function decayedCount(count: number, age: number | null, halfLifeSeconds: number): number {
  return age === null ? NaN : count * Math.pow(2, -age / halfLifeSeconds);
}

export interface Projection {
  /** Customer ids, sorted; node index i is ids[i]. */
  ids: string[];
  /** 1 where the customer opted out (kept in the structure, never listed). */
  optedOut: Uint8Array;
  /** Community id each customer had in the last run that detected communities, −1 for none (filled in by the run). */
  previousCommunity: Int32Array;
  /** Arcs of the combined graph (parallel arcs already summed). */
  src: Int32Array;
  dst: Int32Array;
  weight: Float64Array;
  /** 1 where the arc comes from a FOLLOWS or KNOWS tie (possibly with interactions on top), 0 for interaction-only arcs. */
  isTie: Uint8Array;
  /** FOLLOWS counts: people following each customer, and people each customer follows. */
  followers: Int32Array;
  following: Int32Array;
  /** Interactions (summed counts, undecayed) each customer received and gave. */
  interactionsReceived: Int32Array;
  interactionsGiven: Int32Array;
  /** Content each customer posted, engagements their content received, engagements they made. */
  posts: Int32Array;
  engagementsReceived: Int32Array;
  engagementsGiven: Int32Array;
  /** Topic ids each customer posted about. */
  topics: string[][];
  /** Decayed interaction volume each customer received from / gave to others (count-weighted). */
  amplificationReceived: Float64Array;
  amplificationGiven: Float64Array;
  /** Per arc: decayed interaction volume with positive sentiment (× sentiment) and with negative sentiment (× |sentiment|). */
  positiveVolume: Float64Array;
  negativeVolume: Float64Array;
  /** Brand ids (sorted) and, per brand index, the stance evidence of each customer index that has any. */
  brands: string[];
  /** Empty while the evidence is packed (`packedEvidence`): between threads, and in the scoring worker (read with eachEvidence). */
  evidence: Map<number, StanceEvidence>[];
  /** The ids and topics packed while the projection crosses threads (see packProjectionText). */
  packedText?: { ids: PackedStrings; topics: PackedLists };
  /** The evidence in typed arrays (see packProjectionEvidence); the stance phase reads it with eachEvidence. */
  packedEvidence?: PackedEvidence;
  /** Time of each customer's latest purchase (epoch ms), NaN when none. */
  lastPurchaseAt: Float64Array;
  /** The date ages were measured from (resolved). */
  asOf: string;
  /** How many relationships went into the arcs. */
  counts: { follows: number; knows: number; interactions: number };
}

/** What a projection reads besides the graph. */
export interface ProjectionExtras {
  /**
   * `previousCommunity` from the last completed run that detected communities (an analytics run's
   * stable community ids); otherwise every entry is −1. Read where the projection is read (in its
   * worker thread), since decoding a run's results is long for the service's event loop.
   */
  previousCommunities?: boolean;
}

export interface ProjectionSource {
  /** Streams the graph into a Projection; an aborted `signal` stops it (the promise then rejects). */
  project(options: ProjectionOptions, onProgress?: (what: string, rows: number) => void, signal?: AbortSignal, extras?: ProjectionExtras): Promise<Projection>;
  /**
   * Prepares the database for the first projection after it starts (see
   * Neo4jProjectionRepository.warmUp); resolves whether there was anything to warm. Optional.
   */
  warmUp?(signal?: AbortSignal): Promise<boolean>;
  /** Prepares the next projection ahead (WorkerProjectionSource: its thread, connected and waiting). Optional. */
  standBy?(): void;
  /** Releases what standBy prepared. Optional. */
  close?(): Promise<void>;
}

/**
 * Drops what only the scoring reads — the arcs with their weights and sentiment volumes, and the
 * stance evidence — once the run's scores and paths graph are computed: most of a projection's
 * memory (about 430 MB of typed arrays at 1M customers), which the service would otherwise hold
 * through the publication. The per-customer arrays stay (the scores share some of them), and so do
 * ids, topics, last purchases and the as-of date, which the read model adopts.
 */
export function releaseScoredArcs(p: Projection): void {
  p.src = new Int32Array(0);
  p.dst = new Int32Array(0);
  p.weight = new Float64Array(0);
  p.isTie = new Uint8Array(0);
  p.positiveVolume = new Float64Array(0);
  p.negativeVolume = new Float64Array(0);
  p.evidence = [];
  p.packedEvidence = undefined;
}

/**
 * Packs the projection's ids and topics before it crosses a thread (packed-strings.ts): received
 * as 100k strings and 100k arrays they stalled the service's thread for tens of ms, and as many
 * again to send them on to the scoring worker. The projection's worker packs them;
 * restoreProjectionText gives the receiving thread its ids and topics back in slices while keeping
 * the packed copy, which the scoring worker then receives instead (unpackProjectionText there).
 */
export function packProjectionText(p: Projection): void {
  if (p.packedText) return;
  p.packedText = { ids: packStrings(p.ids), topics: packLists(p.topics) };
  p.ids = [];
  p.topics = [];
}

/** The ids and topics back, a slice per turn of the event loop, the packed copy kept for the next thread (see packProjectionText). */
export async function restoreProjectionText(p: Projection): Promise<void> {
  if (!p.packedText) return;
  p.ids = unpackStrings(p.packedText.ids) as string[];
  await nextTurn();
  p.topics = await unpackLists(p.packedText.topics, nextTurn);
}

/** The ids and topics back, in the thread that computes on them; the packed copy is dropped. */
export async function unpackProjectionText(p: Projection): Promise<void> {
  await restoreProjectionText(p);
  p.packedText = undefined;
}

/** Moves the projection's evidence into typed arrays before it crosses a thread (evidence-pack.ts). */
export function packProjectionEvidence(p: Projection): void {
  if (p.packedEvidence) return;
  p.packedEvidence = packEvidence(p.evidence);
  p.evidence = [];
}

/**
 * Each customer's stance evidence for brand index `brand`, in the Maps' order: from the Maps, or from
 * the packed evidence a customer at a time (the scoring worker keeps it packed; forEachEvidence).
 */
export function eachEvidence(p: Projection, brand: number, visit: (customer: number, evidence: StanceEvidence) => void): void {
  if (p.packedEvidence) forEachEvidence(p.packedEvidence, brand, visit);
  else for (const [customer, evidence] of p.evidence[brand] ?? []) visit(customer, evidence);
}

/** Brings packed evidence back into Maps (a projection read in this thread, for callers that want the Maps). */
export function unpackProjectionEvidence(p: Projection): void {
  if (!p.packedEvidence) return;
  p.evidence = unpackEvidence(p.packedEvidence);
  p.packedEvidence = undefined;
}
