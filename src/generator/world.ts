/**
 * The latent model behind a dataset: communities, popularity, super users, the tie structure,
 * stances, participation tiers and the content plan — everything later rows refer to, held in
 * typed arrays (about 40 bytes per customer and 20 per tie at peak) so that a million customers
 * and ten million ties fit comfortably in memory. Rows are materialised lazily from it.
 *
 * Tie model (per outgoing tie of customer i, in community c):
 *  - local: a ring neighbour of i inside c (a latent small-world position; gives clustering);
 *  - popular: a member of c drawn by popularity (Chung–Lu / fitness, Pareto tail, capped);
 *  - super user: a planted super user drawn by their own Pareto popularity (any community);
 *  - cross-community: a customer of another community drawn by popularity.
 * Out-degrees are Poisson around a log-normal activity. Then triadic closure adds ties from i to
 * a neighbour of a neighbour, and follow-back adds the reverse of some FOLLOWS ties.
 * Cost O(n + m log m) time (two sorts of the tie keys), O(n + m) memory.
 */
import { AliasTable, buildAliasSegment, sampleAliasSegment } from './alias.js';
import { buildCatalog, type Catalog } from './catalog.js';
import { MODEL } from './params.js';
import { hashUnit, Rng } from './prng.js';
import { DAY_MS, recentBetween } from './time.js';
import type { ModelParams, ResolvedGenerateOptions } from './types.js';
import {
  REGION_WEIGHTS,
  SEGMENT_WEIGHTS,
  SUPER_USER_SEGMENT_WEIGHTS,
  TOPIC_NAMES,
} from './vocab.js';

export const ADVOCATE = 0;
export const PASSIVE = 1;
export const DETRACTOR = 2;
export const STANCE_NAMES = ['advocate', 'passive', 'detractor'] as const;

export const LURKER = 0;
export const CONTRIBUTOR = 1;
export const CREATOR = 2;

export const FOLLOWS = 0;
export const KNOWS = 1;

export const CONTENT_POST = 0;
export const CONTENT_REVIEW = 1;
export const CONTENT_VIDEO = 2;
export const CONTENT_COMMENT = 3;
export const CONTENT_KIND_NAMES = ['post', 'review', 'video', 'comment'] as const;
export const NO_TOPIC = 255;

/** Ties are packed into one float: ((a·n + b)·2 + kind), exact below 2^53 (n ≤ 5M). */
export function tieKey(a: number, b: number, kind: number, n: number): number {
  return (a * n + b) * 2 + kind;
}
export function tieKind(key: number): number {
  return key % 2;
}
export function tieFrom(key: number, n: number): number {
  return Math.floor(Math.floor(key / 2) / n);
}
export function tieTo(key: number, n: number): number {
  const pair = Math.floor(key / 2);
  return pair - Math.floor(pair / n) * n;
}

export interface BuildProgress {
  phase: string;
  done: number;
  total: number;
}

export interface ContentPlan {
  count: number;
  /** Fields of each item, in creation-time order. */
  author: Int32Array;
  at: Float64Array;
  kind: Uint8Array;
  /** Brand index or -1. */
  brand: Int8Array;
  /** Product index (catalog) or -1. */
  product: Int16Array;
  sentiment: Float32Array;
  /** Up to three topic indexes per item, NO_TOPIC for none. */
  topics: Uint8Array;
  /** Items of each author (CSR over customers). */
  byAuthorOffset: Int32Array;
  byAuthor: Int32Array;
  /** Items of each community (CSR over communities). */
  byCommunityOffset: Int32Array;
  byCommunity: Int32Array;
}

export interface World {
  options: ResolvedGenerateOptions;
  model: ModelParams;
  n: number;
  nowMs: number;
  startMs: number;
  catalog: Catalog;

  communityCount: number;
  /** Community of each customer. */
  community: Int32Array;
  /** Members of each community in ring order (CSR). */
  memberOffset: Int32Array;
  members: Int32Array;
  communityRegion: Uint8Array;
  /** [advocate, passive, detractor] mix per community (3 per community). */
  communityStanceMix: Float64Array;
  /** Three favourite topics per community. */
  communityTopics: Uint8Array;

  region: Uint8Array;
  segment: Uint8Array;
  createdAt: Float64Array;
  popularity: Float64Array;
  isSuper: Uint8Array;
  superUsers: Int32Array;
  /** Draws an index into `superUsers` by super-user popularity. */
  superAlias: AliasTable;

  /** Unique ties, sorted by (from, to, kind); see `tieKey`. */
  ties: Float64Array;
  /** Whom each customer follows or knows (CSR): the people they hear from. */
  outOffset: Int32Array;
  out: Int32Array;

  stance: Uint8Array;
  tier: Uint8Array;
  content: ContentPlan;
}

/** Growable Float64Array of tie keys. */
class KeyBuffer {
  data: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(16, capacity));
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(Math.ceil(this.data.length * 1.5));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
}

function sortUnique(keys: Float64Array, length: number): Float64Array {
  const a = keys.subarray(0, length);
  a.sort();
  let w = 0;
  for (let r = 0; r < length; r++) if (w === 0 || a[r] !== a[w - 1]) a[w++] = a[r];
  return a.slice(0, w);
}

function binarySearch(a: Float64Array, x: number): boolean {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = a[mid];
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Undirected neighbour lists over the ties (a pair tied both ways appears twice). */
function undirectedAdjacency(ties: Float64Array, n: number): { offset: Int32Array; adj: Int32Array } {
  const offset = new Int32Array(n + 1);
  for (let t = 0; t < ties.length; t++) {
    offset[tieFrom(ties[t], n) + 1]++;
    offset[tieTo(ties[t], n) + 1]++;
  }
  for (let i = 0; i < n; i++) offset[i + 1] += offset[i];
  const fill = offset.slice(0, n);
  const adj = new Int32Array(offset[n]);
  for (let t = 0; t < ties.length; t++) {
    const a = tieFrom(ties[t], n);
    const b = tieTo(ties[t], n);
    adj[fill[a]++] = b;
    adj[fill[b]++] = a;
  }
  return { offset, adj };
}

/** FOLLOWS a→b gives b to a; KNOWS gives each to the other. */
function outAdjacency(ties: Float64Array, n: number): { offset: Int32Array; adj: Int32Array } {
  const offset = new Int32Array(n + 1);
  for (let t = 0; t < ties.length; t++) {
    offset[tieFrom(ties[t], n) + 1]++;
    if (tieKind(ties[t]) === KNOWS) offset[tieTo(ties[t], n) + 1]++;
  }
  for (let i = 0; i < n; i++) offset[i + 1] += offset[i];
  const fill = offset.slice(0, n);
  const adj = new Int32Array(offset[n]);
  for (let t = 0; t < ties.length; t++) {
    const a = tieFrom(ties[t], n);
    const b = tieTo(ties[t], n);
    adj[fill[a]++] = b;
    if (tieKind(ties[t]) === KNOWS) adj[fill[b]++] = a;
  }
  return { offset, adj };
}

/**
 * Base ties per customer before closure and follow-back, chosen so that the final tie rows
 * average `tiesPerCustomer` (closure adds ~22 %, follow-back ~14 %, deduplication removes ~4 %).
 */
const TIE_INFLATION = 0.99;

/** Builds the world step by step, yielding progress between steps. */
export function* buildWorld(o: ResolvedGenerateOptions): Generator<BuildProgress, World, void> {
  const model = MODEL;
  const n = o.customers;
  const nowMs = Date.parse(o.now);
  const startMs = nowMs - o.days * DAY_MS;
  const catalog = buildCatalog(o, startMs, nowMs);

  // ---- communities -------------------------------------------------------------------------
  yield { phase: 'communities', done: 0, total: n };
  const rc = Rng.stream(o.seed, 'communities');
  const K = o.communities;
  const minSize = Math.max(2, Math.min(8, Math.floor(n / K / 2)));
  const sizeWeights = new Float64Array(K);
  let weightSum = 0;
  for (let k = 0; k < K; k++) {
    sizeWeights[k] = Math.min(model.communityCap, rc.pareto(model.communityAlpha));
    weightSum += sizeWeights[k];
  }
  const sizes = new Int32Array(K);
  let assigned = 0;
  for (let k = 0; k < K; k++) {
    sizes[k] = Math.max(minSize, Math.floor((n * sizeWeights[k]) / weightSum));
    assigned += sizes[k];
  }
  while (assigned < n) {
    sizes[rc.int(K)]++;
    assigned++;
  }
  while (assigned > n) {
    const k = rc.int(K);
    if (sizes[k] > minSize) {
      sizes[k]--;
      assigned--;
    }
  }
  const memberOffset = new Int32Array(K + 1);
  for (let k = 0; k < K; k++) memberOffset[k + 1] = memberOffset[k] + sizes[k];
  const members = rc.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const community = new Int32Array(n);
  const ringPos = new Int32Array(n);
  for (let k = 0; k < K; k++) {
    for (let p = memberOffset[k]; p < memberOffset[k + 1]; p++) {
      community[members[p]] = k;
      ringPos[members[p]] = p - memberOffset[k];
    }
  }

  const communityRegion = new Uint8Array(K);
  const communityStanceMix = new Float64Array(3 * K);
  const communityTopics = new Uint8Array(3 * K);
  const alphas = o.stanceMix.map((x) => Math.max(1e-3, x * model.stanceConcentration));
  for (let k = 0; k < K; k++) {
    communityRegion[k] = rc.weighted(REGION_WEIGHTS);
    const mix = rc.dirichlet(alphas);
    communityStanceMix.set(mix, 3 * k);
    const topics = rc.shuffle(Int32Array.from(TOPIC_NAMES.keys()));
    communityTopics.set(topics.subarray(0, 3), 3 * k);
  }

  // ---- customers: region, segment, popularity, super users, account age --------------------
  const rp = Rng.stream(o.seed, 'people');
  const superCount = Math.min(n, Math.max(o.superUserShare > 0 ? 3 : 0, Math.round(n * o.superUserShare)));
  const isSuper = new Uint8Array(n);
  {
    const pool = rp.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    for (let s = 0; s < superCount; s++) isSuper[pool[s]] = 1;
  }
  const superUsers = new Int32Array(superCount);
  const superWeights = new Float64Array(superCount);
  const region = new Uint8Array(n);
  const segment = new Uint8Array(n);
  const createdAt = new Float64Array(n);
  const popularity = new Float64Array(n);
  const span = nowMs - startMs;
  for (let i = 0, s = 0; i < n; i++) {
    region[i] = rp.chance(0.7) ? communityRegion[community[i]] : rp.weighted(REGION_WEIGHTS);
    if (isSuper[i]) {
      superUsers[s] = i;
      superWeights[s++] = Math.min(20, rp.pareto(model.superUserAlpha));
      segment[i] = rp.weighted(SUPER_USER_SEGMENT_WEIGHTS);
      popularity[i] = model.popularityCap * 3;
      createdAt[i] = startMs + span * 0.35 * rp.next(); // early adopters
    } else {
      segment[i] = rp.weighted(SEGMENT_WEIGHTS);
      popularity[i] = Math.min(model.popularityCap, rp.pareto(model.popularityAlpha));
      createdAt[i] = recentBetween(rp, startMs, nowMs - DAY_MS, 1.3);
    }
  }
  const superAlias = new AliasTable(superWeights);
  const superOffset = new Int32Array(K + 1);
  for (const s of superUsers) superOffset[community[s] + 1]++;
  for (let k = 0; k < K; k++) superOffset[k + 1] += superOffset[k];
  const superByCommunity = new Int32Array(superCount);
  {
    const fill = superOffset.slice(0, K);
    for (const s of superUsers) superByCommunity[fill[community[s]]++] = s;
  }

  // popularity tables: one alias segment per community (by ring position), one global over
  // ordinary customers for cross-community ties
  const posWeight = new Float64Array(n);
  for (let p = 0; p < n; p++) posWeight[p] = popularity[members[p]];
  const popProb = new Float64Array(n);
  const popAlias = new Int32Array(n);
  const scratch = new Int32Array(n);
  for (let k = 0; k < K; k++) {
    buildAliasSegment(posWeight, memberOffset[k], memberOffset[k + 1], popProb, popAlias, scratch);
  }
  const regularWeight = new Float64Array(n);
  for (let i = 0; i < n; i++) regularWeight[i] = isSuper[i] ? 0 : popularity[i];
  const globalAlias = new AliasTable(regularWeight);

  // ---- base ties ---------------------------------------------------------------------------
  const rt = Rng.stream(o.seed, 'ties');
  const mech = model.mechanism;
  const mechSum = mech.local + mech.popular + mech.superUser + mech.crossCommunity;
  const tLocal = mech.local / mechSum;
  const tPopular = tLocal + mech.popular / mechSum;
  const tSuper = tPopular + (superCount > 0 ? mech.superUser / mechSum : 0);
  const baseOut = o.tiesPerCustomer / TIE_INFLATION;
  const keys = new KeyBuffer(Math.ceil(n * o.tiesPerCustomer * 1.25));
  const W = model.localWindow;
  const progressStep = Math.max(1, Math.floor(n / 20));
  const addFollow = (a: number, b: number, back: number): void => {
    keys.push(tieKey(a, b, FOLLOWS, n));
    if (rt.next() < back) keys.push(tieKey(b, a, FOLLOWS, n));
  };
  const addKnows = (a: number, b: number): void => {
    keys.push(a < b ? tieKey(a, b, KNOWS, n) : tieKey(b, a, KNOWS, n));
  };
  for (let i = 0; i < n; i++) {
    if (i % progressStep === 0) yield { phase: 'ties', done: i, total: n };
    const c = community[i];
    const off = memberOffset[c];
    const size = memberOffset[c + 1] - off;
    const activity = baseOut * rt.lognormalMean1(model.activitySigma) * (isSuper[i] ? 0.6 : 1);
    const d = rt.poisson(activity);
    for (let s = 0; s < d; s++) {
      const u = rt.next();
      if (u < tLocal) {
        if (size < 2) continue;
        const step = 1 + rt.int(Math.min(W, size - 1));
        const p = rt.next() < 0.5 ? ringPos[i] + step : ringPos[i] - step + size;
        const j = members[off + (p % size)];
        if (j === i) continue;
        if (rt.next() < model.knows.local) addKnows(i, j);
        else addFollow(i, j, isSuper[j] ? model.followBack.superUser : model.followBack.local);
      } else if (u < tPopular) {
        const j = members[off + sampleAliasSegment(popProb, popAlias, off, size, rt)];
        if (j === i) continue;
        if (!isSuper[j] && rt.next() < model.knows.popular) addKnows(i, j);
        else addFollow(i, j, isSuper[j] ? model.followBack.superUser : model.followBack.popular);
      } else if (u < tSuper) {
        const own = superOffset[c + 1] - superOffset[c];
        const j =
          own > 0 && rt.next() < model.superUserOwnCommunity
            ? superByCommunity[superOffset[c] + rt.int(own)]
            : superUsers[superAlias.sample(rt)];
        if (j === i) continue;
        addFollow(i, j, model.followBack.superUser);
      } else {
        let j = globalAlias.sample(rt);
        for (let tries = 0; tries < 3 && community[j] === c; tries++) j = globalAlias.sample(rt);
        if (j === i) continue;
        if (rt.next() < model.knows.crossCommunity) addKnows(i, j);
        else addFollow(i, j, model.followBack.crossCommunity);
      }
    }
  }
  let ties = sortUnique(keys.data, keys.length);

  // ---- triadic closure: i ties to a neighbour of a neighbour ---------------------------------
  {
    const { offset, adj } = undirectedAdjacency(ties, n);
    const more = new KeyBuffer(Math.ceil(ties.length * 1.4));
    more.data.set(ties);
    more.length = ties.length;
    const rz = Rng.stream(o.seed, 'closure');
    const addFollowZ = (a: number, b: number, back: number): void => {
      more.push(tieKey(a, b, FOLLOWS, n));
      if (rz.next() < back) more.push(tieKey(b, a, FOLLOWS, n));
    };
    for (let i = 0; i < n; i++) {
      if (i % progressStep === 0) yield { phase: 'closure', done: i, total: n };
      if (isSuper[i]) continue;
      const di = offset[i + 1] - offset[i];
      if (di === 0) continue;
      const closures = rz.poisson(model.closureRate * Math.min(di, 40));
      for (let s = 0; s < closures; s++) {
        const j = adj[offset[i] + rz.int(di)];
        if (isSuper[j]) continue; // sharing a celebrity does not introduce people
        const dj = offset[j + 1] - offset[j];
        const k = adj[offset[j] + rz.int(dj)];
        if (k === i) continue;
        if (rz.next() < model.knows.closure) more.push(i < k ? tieKey(i, k, KNOWS, n) : tieKey(k, i, KNOWS, n));
        else addFollowZ(i, k, isSuper[k] ? model.followBack.superUser : model.followBack.closure);
      }
    }
    ties = sortUnique(more.data, more.length);
  }

  // a pair that knows each other does not also need a FOLLOWS tie
  {
    let w = 0;
    for (let t = 0; t < ties.length; t++) {
      const key = ties[t];
      if (tieKind(key) === FOLLOWS) {
        const a = tieFrom(key, n);
        const b = tieTo(key, n);
        const knows = a < b ? tieKey(a, b, KNOWS, n) : tieKey(b, a, KNOWS, n);
        if (binarySearch(ties, knows)) continue;
      }
      ties[w++] = key;
    }
    ties = ties.slice(0, w);
  }
  const { offset: outOffset, adj: out } = outAdjacency(ties, n);

  // ---- stances: community leaning, then customers copy someone they hear from (voter model) ---------------------------
  yield { phase: 'stances', done: 0, total: n };
  const rs = Rng.stream(o.seed, 'stances');
  let stance = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const m = 3 * community[i];
    const u = rs.next();
    stance[i] = u < communityStanceMix[m] ? ADVOCATE : u < communityStanceMix[m] + communityStanceMix[m + 1] ? PASSIVE : DETRACTOR;
  }
  for (let round = 0; round < model.stanceRounds; round++) {
    const next = stance.slice();
    for (let i = 0; i < n; i++) {
      const d = outOffset[i + 1] - outOffset[i];
      if (d === 0 || rs.next() >= model.stanceAdoption) continue;
      next[i] = stance[out[outOffset[i] + rs.int(d)]];
    }
    stance = next;
  }

  // ---- participation tiers (90-9-1) and the content plan -------------------------------------
  yield { phase: 'content', done: 0, total: n };
  const rk = Rng.stream(o.seed, 'content-plan');
  let popularitySum = 0;
  for (let i = 0; i < n; i++) popularitySum += regularWeight[i];
  const meanPopularity = popularitySum / Math.max(1, n - superCount);
  const tier = new Uint8Array(n);
  const contentCount = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (isSuper[i] || rk.next() < Math.min(0.5, (model.creatorShare * popularity[i]) / meanPopularity)) {
      tier[i] = CREATOR;
      contentCount[i] = Math.min(400, 5 + Math.floor(rk.pareto(1.7, 12) * o.activity));
    } else if (rk.next() < model.contributorShare) {
      tier[i] = CONTRIBUTOR;
      contentCount[i] = 1 + rk.poisson(1.5 * o.activity);
    }
    total += contentCount[i];
  }
  const content = planContent(o, rk, catalog, {
    n,
    total,
    contentCount,
    tier,
    community,
    communityTopics,
    stance,
    createdAt,
    nowMs,
    K,
  });

  return {
    options: o,
    model,
    n,
    nowMs,
    startMs,
    catalog,
    communityCount: K,
    community,
    memberOffset,
    members,
    communityRegion,
    communityStanceMix,
    communityTopics,
    region,
    segment,
    createdAt,
    popularity,
    isSuper,
    superUsers,
    superAlias,
    ties,
    outOffset,
    out,
    stance,
    tier,
    content,
  };
}

export function buildWorldSync(o: ResolvedGenerateOptions): World {
  const steps = buildWorld(o);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Sentiment of something a customer says about b1, by stance. */
export function stanceSentiment(rng: Rng, stance: number, spread = 0.25): number {
  const mean = stance === ADVOCATE ? 0.55 : stance === PASSIVE ? 0.1 : -0.5;
  return clampSentiment(mean + spread * rng.normal());
}

export function clampSentiment(x: number): number {
  return x < -1 ? -1 : x > 1 ? 1 : x;
}

/**
 * Stance of customer i toward a brand other than b1: not planted, a fixed hash of the pair,
 * 30 % advocates, 45 % passives, 25 % detractors.
 */
export function otherBrandStance(seed: number, i: number, brand: number): number {
  const u = hashUnit(seed, i, brand);
  return u < 0.3 ? ADVOCATE : u < 0.75 ? PASSIVE : DETRACTOR;
}

interface PlanInput {
  n: number;
  total: number;
  contentCount: Int32Array;
  tier: Uint8Array;
  community: Int32Array;
  communityTopics: Uint8Array;
  stance: Uint8Array;
  createdAt: Float64Array;
  nowMs: number;
  K: number;
}

function planContent(o: ResolvedGenerateOptions, rk: Rng, catalog: Catalog, p: PlanInput): ContentPlan {
  const { n, total } = p;
  const author = new Int32Array(total);
  const at = new Float64Array(total);
  const kind = new Uint8Array(total);
  const brand = new Int8Array(total);
  const product = new Int16Array(total);
  const sentiment = new Float32Array(total);
  const topics = new Uint8Array(3 * total).fill(NO_TOPIC);
  const topicCount = TOPIC_NAMES.length;
  let x = 0;
  for (let i = 0; i < n; i++) {
    const count = p.contentCount[i];
    if (count === 0) continue;
    const creator = p.tier[i] === CREATOR;
    const favourites = 3 * p.community[i];
    // an author's own speciality among their community's favourites
    const speciality = p.communityTopics[favourites + Math.floor(hashUnit(o.seed, i, 7) * 3)];
    for (let c = 0; c < count; c++, x++) {
      author[x] = i;
      at[x] = recentBetween(rk, p.createdAt[i], p.nowMs, 2);
      const k = creator
        ? rk.weighted([0.55, 0.15, 0.2, 0.1])
        : rk.weighted([0.3, 0.25, 0, 0.45]);
      kind[x] = k;
      const nTopics = 1 + (rk.next() < 0.4 ? 1 : 0) + (rk.next() < 0.15 ? 1 : 0);
      for (let t = 0; t < nTopics; t++) {
        const u = rk.next();
        const topic =
          t === 0 && u < 0.6
            ? speciality
            : u < 0.8
              ? p.communityTopics[favourites + rk.int(3)]
              : rk.int(topicCount);
        let dup = false;
        for (let q = 0; q < t; q++) if (topics[3 * x + q] === topic) dup = true;
        topics[3 * x + t] = dup ? NO_TOPIC : topic;
      }
      // keep the topic list dense
      if (topics[3 * x + 1] === NO_TOPIC && topics[3 * x + 2] !== NO_TOPIC) {
        topics[3 * x + 1] = topics[3 * x + 2];
        topics[3 * x + 2] = NO_TOPIC;
      }
      const aboutBrand =
        k === CONTENT_REVIEW || rk.next() < (k === CONTENT_COMMENT ? 0.3 : 0.4);
      if (aboutBrand) {
        const b = o.brands === 1 || rk.next() < 0.7 ? 0 : 1 + rk.int(o.brands - 1);
        brand[x] = b;
        product[x] =
          k === CONTENT_REVIEW || rk.next() < 0.3
            ? catalog.productsByBrand[b][catalog.productPopularity[b].sample(rk)]
            : -1;
        const s = b === 0 ? p.stance[i] : otherBrandStance(o.seed, i, b);
        sentiment[x] = stanceSentiment(rk, s, 0.25);
      } else {
        brand[x] = -1;
        product[x] = -1;
        sentiment[x] = clampSentiment(0.15 + 0.35 * rk.normal());
      }
    }
  }

  // creation-time order, so ids follow time
  const order = Int32Array.from({ length: total }, (_, q) => q).sort((a, b) => at[a] - at[b] || a - b);
  const permute = <T extends Int32Array | Float64Array | Uint8Array | Int8Array | Int16Array | Float32Array>(
    src: T,
  ): T => {
    const dst = src.slice() as T;
    for (let q = 0; q < total; q++) dst[q] = src[order[q]];
    return dst;
  };
  const plan: ContentPlan = {
    count: total,
    author: permute(author),
    at: permute(at),
    kind: permute(kind),
    brand: permute(brand),
    product: permute(product),
    sentiment: permute(sentiment),
    topics: new Uint8Array(3 * total),
    byAuthorOffset: new Int32Array(n + 1),
    byAuthor: new Int32Array(total),
    byCommunityOffset: new Int32Array(p.K + 1),
    byCommunity: new Int32Array(total),
  };
  for (let q = 0; q < total; q++) plan.topics.set(topics.subarray(3 * order[q], 3 * order[q] + 3), 3 * q);
  for (let q = 0; q < total; q++) {
    plan.byAuthorOffset[plan.author[q] + 1]++;
    plan.byCommunityOffset[p.community[plan.author[q]] + 1]++;
  }
  for (let i = 0; i < n; i++) plan.byAuthorOffset[i + 1] += plan.byAuthorOffset[i];
  for (let k = 0; k < p.K; k++) plan.byCommunityOffset[k + 1] += plan.byCommunityOffset[k];
  const fillA = plan.byAuthorOffset.slice(0, n);
  const fillC = plan.byCommunityOffset.slice(0, p.K);
  for (let q = 0; q < total; q++) {
    plan.byAuthor[fillA[plan.author[q]]++] = q;
    plan.byCommunity[fillC[p.community[plan.author[q]]]++] = q;
  }
  return plan;
}
