import { beforeAll, describe, expect, it } from 'vitest';
import { load, mean, type Loaded } from './fixture.js';
import {
  averageClustering,
  ccdfLogLogFit,
  followerCounts,
  modularity,
  reciprocity,
  undirectedSimple,
} from './graph-metrics.js';

const N = 10_000;
let d: Loaded;
let adj: number[][];
let followers: Int32Array;

beforeAll(() => {
  d = load({ customers: N, seed: 3 });
  adj = undirectedSimple(d.ties);
  followers = followerCounts(d.ties);
});

/** Customer indexes sorted by a score, highest first (index breaks ties). */
function ranking(score: ArrayLike<number>): number[] {
  return Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
}

describe('network shape (10k customers)', () => {
  it('has about ten ties per customer', () => {
    expect(d.rows.ties.length / N).toBeGreaterThan(9);
    expect(d.rows.ties.length / N).toBeLessThan(11);
  });

  it('has a heavy-tailed follower distribution', () => {
    const avg = mean(Array.from(followers));
    const sorted = Array.from(followers).sort((a, b) => b - a);
    const total = sorted.reduce((s, x) => s + x, 0);
    const top1 = sorted.slice(0, N / 100).reduce((s, x) => s + x, 0) / total;
    expect(sorted[0]).toBeGreaterThan(30 * avg);
    expect(top1).toBeGreaterThan(0.12); // a Poisson graph of the same density: ~2.5 %
    expect(sorted.filter((k) => k > 5 * avg).length / N).toBeGreaterThan(0.005);
    // the complementary CDF above the mean is close to a straight line on log-log axes
    const fit = ccdfLogLogFit(followers, Math.ceil(avg));
    expect(fit.points).toBeGreaterThan(30);
    expect(fit.slope).toBeLessThan(-0.8);
    expect(fit.slope).toBeGreaterThan(-3.5);
    expect(fit.r2).toBeGreaterThan(0.8);
  });

  it('keeps most ties inside uneven communities, with modularity well above 0.3', () => {
    let intra = 0;
    for (let t = 0; t < d.ties.from.length; t++) if (d.community[d.ties.from[t]] === d.community[d.ties.to[t]]) intra++;
    const share = intra / d.ties.from.length;
    expect(share).toBeGreaterThan(0.78);
    expect(share).toBeLessThan(0.92);
    const q = modularity(adj, d.community);
    expect(q).toBeGreaterThan(0.5);
    const sizes = [...d.truth.params.communitySizes].sort((a, b) => a - b);
    expect(sizes[sizes.length - 1]).toBeGreaterThan(4 * sizes[Math.floor(sizes.length / 2)]);
  });

  it('has realistic reciprocity and clustering', () => {
    const r = reciprocity(d.ties);
    expect(r).toBeGreaterThan(0.18);
    expect(r).toBeLessThan(0.35);
    const c = averageClustering(adj);
    let edges = 0;
    for (const a of adj) edges += a.length;
    const density = edges / (N * (N - 1));
    expect(c).toBeGreaterThan(0.08);
    expect(c).toBeLessThan(0.5);
    expect(c).toBeGreaterThan(50 * density); // an Erdős–Rényi graph has clustering ≈ density
  });

  it('puts the planted super users at the top by followers, followed across communities', () => {
    const supers = d.truth.superUsers.map((id) => d.index.get(id)!);
    const top = new Set(ranking(followers).slice(0, supers.length * 2));
    expect(supers.filter((s) => top.has(s)).length / supers.length).toBeGreaterThan(0.9);
    const reach = supers.map((s) => {
      const communities = new Set<number>();
      for (const u of adj[s]) communities.add(d.community[u]);
      return communities.size;
    });
    expect(reach.sort((a, b) => a - b)[Math.floor(reach.length / 2)]).toBeGreaterThanOrEqual(10);
  });

  it('sends most amplification (shares and mentions) to super users', () => {
    const amplified = new Float64Array(N);
    let total = 0;
    for (const x of d.rows.interactions) {
      if (x.kind !== 'share' && x.kind !== 'mention') continue;
      amplified[d.index.get(x.to)!] += x.count;
      total += x.count;
    }
    let toSupers = 0;
    for (let i = 0; i < N; i++) if (d.isSuper[i]) toSupers += amplified[i];
    expect(toSupers / total).toBeGreaterThan(0.5);
    const supers = d.truth.superUsers.length;
    const top = ranking(amplified).slice(0, supers);
    expect(top.filter((i) => d.isSuper[i]).length / supers).toBeGreaterThan(0.8);
  });
});

describe('stances (10k customers)', () => {
  const b1Related = (): ((kind: string, id: string) => boolean) => {
    const products = new Set(d.rows.products.filter((p) => p.brandId === 'b1').map((p) => p.id));
    const campaigns = new Set(d.rows.campaigns.filter((c) => c.brandId === 'b1').map((c) => c.id));
    const content = new Set(d.rows.content.filter((c) => c.brandId === 'b1').map((c) => c.id));
    return (kind, id) =>
      (kind === 'brand' && id === 'b1') ||
      (kind === 'product' && products.has(id)) ||
      (kind === 'campaign' && campaigns.has(id)) ||
      (kind === 'content' && content.has(id));
  };

  it('has all three stances, and communities that lean', () => {
    const counts = [0, 0, 0];
    for (const s of d.stance) counts[s]++;
    for (const c of counts) expect(c / N).toBeGreaterThan(0.15);
    const advocateShare = d.truth.params.communityStanceMix.map((m) => m[0]);
    const avg = mean(advocateShare);
    const sd = Math.sqrt(mean(advocateShare.map((x) => (x - avg) ** 2)));
    expect(sd).toBeGreaterThan(0.12);
  });

  it('clusters stances: tied customers share a stance well above chance', () => {
    const fromShare = [0, 0, 0];
    const toShare = [0, 0, 0];
    let same = 0;
    const m = d.ties.from.length;
    for (let t = 0; t < m; t++) {
      const a = d.stance[d.ties.from[t]];
      const b = d.stance[d.ties.to[t]];
      fromShare[a] += 1 / m;
      toShare[b] += 1 / m;
      if (a === b) same++;
    }
    const chance = fromShare.reduce((s, p, k) => s + p * toShare[k], 0);
    expect(same / m).toBeGreaterThan(chance + 0.1);
  });

  it('agrees with NPS answers: advocates mostly 9–10, passives 7–8, detractors 0–6', () => {
    const byStance: number[][] = [[], [], []];
    for (const r of d.rows.ratings) if (r.brandId === 'b1') byStance[d.stance[d.index.get(r.customerId)!]].push(r.score);
    const share = (xs: number[], ok: (x: number) => boolean): number => xs.filter(ok).length / xs.length;
    expect(share(byStance[0], (x) => x >= 9)).toBeGreaterThan(0.8);
    expect(share(byStance[1], (x) => x === 7 || x === 8)).toBeGreaterThan(0.7);
    expect(share(byStance[2], (x) => x <= 6)).toBeGreaterThan(0.8);
    const predicted = (x: number): number => (x >= 9 ? 0 : x >= 7 ? 1 : 2);
    let right = 0;
    let all = 0;
    for (let s = 0; s < 3; s++) for (const x of byStance[s]) (all++, predicted(x) === s && right++);
    expect(right / all).toBeGreaterThan(0.75);
    expect(right / all).toBeLessThan(0.97); // noisy, not a lookup table
  });

  it('agrees with interaction and engagement sentiment, and with engagement kinds', () => {
    const interaction: number[][] = [[], [], []];
    for (const x of d.rows.interactions) interaction[d.stance[d.index.get(x.from)!]].push(x.sentiment);
    expect(mean(interaction[0])).toBeGreaterThan(0.3);
    expect(mean(interaction[2])).toBeLessThan(-0.2);
    expect(mean(interaction[0]) - mean(interaction[1])).toBeGreaterThan(0.15);
    expect(mean(interaction[1]) - mean(interaction[2])).toBeGreaterThan(0.3);

    const related = b1Related();
    const perCustomer = new Map<number, number[]>();
    const kinds: Record<string, number>[] = [{}, {}, {}];
    const totals = [0, 0, 0];
    for (const e of d.rows.engagements) {
      if (!related(e.targetKind, e.targetId)) continue;
      const i = d.index.get(e.customerId)!;
      const list = perCustomer.get(i) ?? [];
      list.push(e.sentiment);
      perCustomer.set(i, list);
      kinds[d.stance[i]][e.kind] = (kinds[d.stance[i]][e.kind] ?? 0) + 1;
      totals[d.stance[i]]++;
    }
    const rate = (s: number, kind: string): number => (kinds[s][kind] ?? 0) / totals[s];
    expect(rate(2, 'complaint')).toBeGreaterThan(5 * rate(0, 'complaint'));
    for (const kind of ['share', 'purchase']) expect(rate(0, kind)).toBeGreaterThan(2 * rate(2, kind));
    // separable from engagement sentiment alone, for customers with a few engagements
    const right = [0, 0, 0];
    const count = [0, 0, 0];
    for (const [i, xs] of perCustomer) {
      if (xs.length < 3) continue;
      const m = mean(xs);
      const s = d.stance[i];
      count[s]++;
      if ((s === 0 && m > 0.2) || (s === 1 && m > -0.15 && m <= 0.2) || (s === 2 && m <= -0.15)) right[s]++;
    }
    expect(right[0] / count[0]).toBeGreaterThan(0.8);
    expect(right[2] / count[2]).toBeGreaterThan(0.8);
    expect(right[1] / count[1]).toBeGreaterThan(0.5);
  });
});

describe('content and activity (10k customers)', () => {
  it('follows 90-9-1 participation', () => {
    const posts = new Int32Array(N);
    for (const c of d.rows.content) posts[d.index.get(c.authorId)!]++;
    const authors = Array.from(posts).filter((x) => x > 0).length / N;
    expect(authors).toBeGreaterThan(0.06);
    expect(authors).toBeLessThan(0.15);
    const sorted = Array.from(posts).sort((a, b) => b - a);
    const top1 = sorted.slice(0, N / 100).reduce((s, x) => s + x, 0) / d.rows.content.length;
    expect(top1).toBeGreaterThan(0.4);
    const p = d.truth.params.participation;
    expect(p.lurkers + p.contributors + p.creators).toBe(N);
    expect(p.lurkers / N).toBeGreaterThan(0.85);
  });

  it('writes about the favourite topics of the author’s community', () => {
    const favourites = d.truth.params.communityTopics;
    let onFavourite = 0;
    for (const c of d.rows.content) {
      const fav = favourites[d.truth.communities[c.authorId]];
      if (c.topicIds.some((t) => fav.includes(t))) onFavourite++;
    }
    expect(onFavourite / d.rows.content.length).toBeGreaterThan(0.7); // at random: ~15–40 %
  });

  it('weights timestamps toward the recent past', () => {
    const yearAgo = Date.parse('2024-06-30T00:00:00.000Z');
    const recent = (xs: string[]): number => xs.filter((x) => Date.parse(x) >= yearAgo).length / xs.length;
    expect(recent(d.rows.interactions.map((x) => x.at))).toBeGreaterThan(0.6);
    expect(recent(d.rows.engagements.map((x) => x.at))).toBeGreaterThan(0.6);
    expect(recent(d.rows.ties.map((x) => x.since))).toBeGreaterThan(0.6);
  });
});
