/**
 * Small graph measures for the generator tests, on customers numbered 0..n-1 and ties as
 * parallel arrays. Definitions follow NetworkX: modularity on the undirected simple graph
 * (Newman 2004), average clustering over all nodes (0 for degree < 2), reciprocity over
 * directed FOLLOWS edges.
 */

export interface TieArrays {
  n: number;
  from: Int32Array;
  to: Int32Array;
  /** 0 = FOLLOWS, 1 = KNOWS */
  kind: Uint8Array;
}

/** Sorted, deduplicated undirected neighbour lists (self-loops dropped). */
export function undirectedSimple(g: TieArrays): number[][] {
  const sets: Set<number>[] = Array.from({ length: g.n }, () => new Set<number>());
  for (let t = 0; t < g.from.length; t++) {
    const a = g.from[t];
    const b = g.to[t];
    if (a === b) continue;
    sets[a].add(b);
    sets[b].add(a);
  }
  return sets.map((s) => [...s].sort((x, y) => x - y));
}

export function modularity(adj: number[][], community: ArrayLike<number>): number {
  let twoM = 0;
  const degreeOf = new Map<number, number>();
  let inside = 0;
  for (let v = 0; v < adj.length; v++) {
    twoM += adj[v].length;
    degreeOf.set(community[v], (degreeOf.get(community[v]) ?? 0) + adj[v].length);
    for (const u of adj[v]) if (community[u] === community[v]) inside++;
  }
  let expected = 0;
  for (const d of degreeOf.values()) expected += (d / twoM) ** 2;
  return inside / twoM - expected;
}

export function averageClustering(adj: number[][]): number {
  const mark = new Int32Array(adj.length).fill(-1);
  let sum = 0;
  for (let v = 0; v < adj.length; v++) {
    const d = adj[v].length;
    if (d < 2) continue;
    for (const u of adj[v]) mark[u] = v;
    let links = 0;
    for (const u of adj[v]) for (const w of adj[u]) if (mark[w] === v) links++;
    sum += links / (d * (d - 1));
  }
  return sum / adj.length;
}

export function reciprocity(g: TieArrays): number {
  const follows = new Set<number>();
  for (let t = 0; t < g.from.length; t++) if (g.kind[t] === 0) follows.add(g.from[t] * g.n + g.to[t]);
  let back = 0;
  for (const key of follows) {
    const a = Math.floor(key / g.n);
    const b = key - a * g.n;
    if (follows.has(b * g.n + a)) back++;
  }
  return follows.size === 0 ? 0 : back / follows.size;
}

/** Followers: FOLLOWS in-degree plus KNOWS degree. */
export function followerCounts(g: TieArrays): Int32Array {
  const c = new Int32Array(g.n);
  for (let t = 0; t < g.from.length; t++) {
    c[g.to[t]]++;
    if (g.kind[t] === 1) c[g.from[t]]++;
  }
  return c;
}

/** Least-squares slope and R² of log CCDF against log degree, over degrees ≥ kmin. */
export function ccdfLogLogFit(degrees: ArrayLike<number>, kmin: number): { slope: number; r2: number; points: number } {
  const sorted = Array.from(degrees).sort((a, b) => a - b);
  const n = sorted.length;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    if (sorted[i] < kmin || (i > 0 && sorted[i - 1] === sorted[i])) continue;
    const above = n - i; // customers with degree >= sorted[i]
    xs.push(Math.log(sorted[i]));
    ys.push(Math.log(above / n));
  }
  const m = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / m;
  const my = ys.reduce((s, y) => s + y, 0) / m;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < m; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, r2: (sxy * sxy) / (sxx * syy), points: m };
}
