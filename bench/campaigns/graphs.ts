/**
 * Graphs for the campaign bench, built without Neo4j.
 *
 * generatedGraph: the projection's attention arcs computed straight from the generator's rows
 * (src/generator), by the rule of src/domain/projection.ts — FOLLOWS a → b is the attention arc
 * a → b, KNOWS gives both arcs, an interaction a → b (count c, last at t) adds the decayed volume
 * c · 2^(−age/180 days) to a → b, age measured from the generator's fixed `now`
 * (2025-06-30, the newest instant in the data). The arrays are what the service hands
 * diffusionGraph(); the weighted attention graph (tie weight + 0.5 · volume, the projection's
 * defaults) is what PageRank runs on. Stances and opted-out flags come from the ground truth and
 * the customer rows.
 *
 * realGraph: an undirected edge list (whitespace separated, '#' comments) or one of the
 * ../shared/reference JSON graphs; every edge is a tie both ways with no interaction volume.
 */

import { readFileSync } from 'node:fs';
import { generateDataset } from '../../src/generator/generate.js';

export interface BenchGraph {
  name: string;
  n: number;
  src: Int32Array;
  dst: Int32Array;
  volume: Float64Array;
  isTie: Uint8Array;
  /** Attention weight per arc (for PageRank). */
  weight: Float64Array;
  optedOut: Uint8Array;
  /** 1 for detractors of the brand (generated graphs only). */
  detractor: Uint8Array;
  /** Community per node (−1 unknown). */
  community: Int32Array;
}

class Arcs {
  src = new Int32Array(1 << 16);
  dst = new Int32Array(1 << 16);
  volume = new Float64Array(1 << 16);
  isTie = new Uint8Array(1 << 16);
  weight = new Float64Array(1 << 16);
  m = 0;
  push(a: number, b: number, vol: number, tie: number, w: number): void {
    if (this.m === this.src.length) {
      const grow = <T extends Int32Array | Float64Array | Uint8Array>(x: T): T => {
        const y = new (x.constructor as new (n: number) => T)(x.length * 2);
        y.set(x);
        return y;
      };
      this.src = grow(this.src);
      this.dst = grow(this.dst);
      this.volume = grow(this.volume);
      this.isTie = grow(this.isTie);
      this.weight = grow(this.weight);
    }
    this.src[this.m] = a;
    this.dst[this.m] = b;
    this.volume[this.m] = vol;
    this.isTie[this.m] = tie;
    this.weight[this.m] = w;
    this.m++;
  }
}

const index = (id: string): number => Number(id.slice(1));

export function generatedGraph(customers: number, seed: number): BenchGraph {
  const ds = generateDataset({ customers, seed });
  const n = customers;
  const optedOut = new Uint8Array(n);
  for (const c of ds.rows('customers')) if (c.optedOut) optedOut[index(c.id)] = 1;
  const arcs = new Arcs();
  for (const t of ds.rows('ties')) {
    const a = index(t.from);
    const b = index(t.to);
    const w = t.weight ?? 1;
    arcs.push(a, b, 0, 1, w);
    if (t.kind === 'KNOWS') arcs.push(b, a, 0, 1, w);
  }
  const now = Date.parse('2025-06-30T00:00:00Z');
  const halfLifeMs = 180 * 86_400_000;
  for (const r of ds.rows('interactions')) {
    const age = Math.max(0, now - Date.parse(r.at));
    const vol = r.count * 2 ** (-age / halfLifeMs);
    arcs.push(index(r.from), index(r.to), vol, 0, 0.5 * vol);
  }
  const gt = ds.groundTruth();
  const detractor = new Uint8Array(n);
  const community = new Int32Array(n).fill(-1);
  for (const [id, s] of Object.entries(gt.stances)) if (s === 'detractor') detractor[index(id)] = 1;
  for (const [id, c] of Object.entries(gt.communities)) community[index(id)] = c;
  return {
    name: `generated ${customers} customers (seed ${seed})`,
    n,
    src: arcs.src.slice(0, arcs.m),
    dst: arcs.dst.slice(0, arcs.m),
    volume: arcs.volume.slice(0, arcs.m),
    isTie: arcs.isTie.slice(0, arcs.m),
    weight: arcs.weight.slice(0, arcs.m),
    optedOut,
    detractor,
    community,
  };
}

export function realGraph(name: string, path: string): BenchGraph {
  const text = readFileSync(path, 'utf8');
  const pairs: [string, string][] = [];
  if (path.endsWith('.json')) {
    const j = JSON.parse(text) as { edges: (string | number)[][] };
    for (const e of j.edges) pairs.push([String(e[0]), String(e[1])]);
  } else {
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (!t || t.startsWith('#')) continue;
      const [a, b] = t.split(/\s+/);
      if (a !== undefined && b !== undefined && a !== b) pairs.push([a, b]);
    }
  }
  const ids = new Map<string, number>();
  const id = (s: string): number => {
    let i = ids.get(s);
    if (i === undefined) ids.set(s, (i = ids.size));
    return i;
  };
  const arcs = new Arcs();
  for (const [a, b] of pairs) {
    const u = id(a);
    const v = id(b);
    arcs.push(u, v, 0, 1, 1);
    arcs.push(v, u, 0, 1, 1);
  }
  const n = ids.size;
  return {
    name,
    n,
    src: arcs.src.slice(0, arcs.m),
    dst: arcs.dst.slice(0, arcs.m),
    volume: arcs.volume.slice(0, arcs.m),
    isTie: arcs.isTie.slice(0, arcs.m),
    weight: arcs.weight.slice(0, arcs.m),
    optedOut: new Uint8Array(n),
    detractor: new Uint8Array(n),
    community: new Int32Array(n).fill(-1),
  };
}
