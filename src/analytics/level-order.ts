/**
 * Breadth-first searches level by level over bitsets, for the kernels that run one search per
 * sampled source on a large graph (betweenness, closeness and harmonic).
 *
 * Why: at a million nodes such a search is bound by memory latency, not by arithmetic. A search
 * that keeps an Int32 distance per node reads that array at a random place for every arc (13M
 * arcs at 1M customers), and expands each level in discovery order, so the rows it reads jump
 * across the whole adjacency array. Here a node's state lives in bitsets of n bits (125 KB at 1M
 * nodes, which stay in a core's cache): "seen" and "on the level being discovered". Each level,
 * once discovered, is listed from its bitset in increasing node order (`drainLevel`), so the next
 * level's expansion reads the adjacency rows in address order. On the 1M-customer base's hop graph
 * (1M nodes, 13.4M arcs): betweenness 0.29–0.85 s per source against 1.1–2.0 s for the
 * distance-array search, closeness and harmonic 0.21–0.23 s against 0.55–0.66 s; at 10M arcs
 * about half igraph's time per source (bench/results/search-peers-2026-12-02.md).
 *
 * The level order changes only the order in which a node's shortest-path count σ adds up its
 * predecessors' counts: integers, so the sums are exact (and the results bit for bit those of the
 * discovery-order search) as long as every count stays below 2^53.
 */

/** Words of a bitset over n nodes. */
export function bitsetWords(n: number): number {
  return (n + 31) >>> 5;
}

/**
 * Appends the nodes whose bits are set in `bits` to `order` from index `tail` on, in increasing
 * node order, clears those bits, and returns the new tail. O(n/32 + nodes listed).
 */
export function drainLevel(bits: Int32Array, order: Int32Array, tail: number): number {
  for (let x = 0, words = bits.length; x < words; x++) {
    let left = bits[x];
    if (left === 0) continue;
    bits[x] = 0;
    const base = x << 5;
    while (left !== 0) {
      const low = left & -left;
      order[tail++] = base + 31 - Math.clz32(low);
      left ^= low;
    }
  }
  return tail;
}
