/**
 * Seeded pseudo-random numbers for the data generator.
 *
 * mulberry32 (T. Ettinger, 2017): one 32-bit word of state, period 2^32, passes the gjrand and
 * PractRand batteries up to a few GB — ample for a generator that draws a few hundred million
 * numbers spread over independent streams. `Rng.stream(seed, name)` derives one stream per
 * generator phase, so a phase's output never depends on how many numbers another phase drew.
 *
 * The distributions are the textbook ones: Box–Muller normals, Marsaglia–Tsang gammas (2000),
 * Knuth's Poisson for small means and a normal approximation above 30.
 */

/** murmur3's 32-bit finaliser: a cheap avalanche of all input bits. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit seed for the stream `name` of a dataset seeded with `seed` (any safe integer). */
export function streamSeed(seed: number, name: string): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  let h = mix32(lo ^ 0x9e3779b9) ^ mix32(hi + 0x7f4a7c15);
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return mix32(h);
}

/** A deterministic hash of a few integers to a number in [0, 1), for draws that must not consume a stream. */
export function hashUnit(a: number, b: number, c = 0): number {
  const h = mix32(mix32(mix32(a ^ 0x2545f491) ^ b) + c);
  return h / 4294967296;
}

export class Rng {
  private state: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static stream(seed: number, name: string): Rng {
    return new Rng(streamSeed(seed, name));
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box–Muller, the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    this.hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with mean 1 and log-scale deviation `sigma`. */
  lognormalMean1(sigma: number): number {
    return Math.exp(sigma * this.normal() - (sigma * sigma) / 2);
  }

  /** Pareto (type I) with tail index `alpha` and minimum `xmin`: P(X > x) = (xmin / x)^alpha. */
  pareto(alpha: number, xmin = 1): number {
    return xmin * Math.pow(1 - this.next(), -1 / alpha);
  }

  /** Gamma(shape, 1) — Marsaglia & Tsang, with the u^(1/shape) boost for shape < 1. */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(1 - this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = 1 - this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Dirichlet(alphas) as a fresh array summing to 1. */
  dirichlet(alphas: readonly number[]): number[] {
    const g = alphas.map((a) => this.gamma(a));
    const sum = g.reduce((s, x) => s + x, 0);
    return g.map((x) => x / sum);
  }

  /** Poisson(lambda). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
  }

  /** Index drawn with probability proportional to `weights[i]` (linear scan; for short lists). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle(a: Int32Array): Int32Array {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
