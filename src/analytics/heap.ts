/**
 * Indexed binary min-heap over node indices with Float64 keys and decrease-key, stored in typed
 * arrays (no per-entry objects). Used by the Dijkstra searches of betweenness, closeness and
 * harmonic centrality.
 *
 * Cost: push / pop / decreaseKey O(log size); O(n) memory allocated once and reused across
 * searches (`clear` is O(size)). Ties between equal keys are broken by insertion order (a
 * sequence number), like NetworkX's Dijkstra, which pushes (distance, counter, node) tuples.
 *
 * Reference: J. W. J. Williams, "Algorithm 232: Heapsort", CACM 7(6) 1964; decrease-key as in
 * Cormen et al., Introduction to Algorithms, §6.5. Why our own: no heap in the graph libraries
 * works on typed-array node indices.
 */

export class IndexedMinHeap {
  private readonly heap: Int32Array;
  private readonly pos: Int32Array; // -1 when not in the heap
  private readonly key: Float64Array;
  private readonly seq: Float64Array;
  private counter = 0;
  size = 0;

  constructor(capacity: number) {
    this.heap = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
    this.key = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.pos[this.heap[i]] = -1;
    this.size = 0;
    this.counter = 0;
  }

  has(node: number): boolean {
    return this.pos[node] >= 0;
  }

  /** Insert `node` with `key`, or lower its key if already present with a larger one. */
  pushOrDecrease(node: number, key: number): void {
    let i = this.pos[node];
    if (i < 0) {
      i = this.size++;
      this.heap[i] = node;
      this.pos[node] = i;
      this.key[node] = key;
      this.seq[node] = this.counter++;
    } else {
      if (key >= this.key[node]) return;
      this.key[node] = key;
      this.seq[node] = this.counter++;
    }
    this.siftUp(i);
  }

  /** Remove and return the node with the smallest key (size must be > 0). */
  pop(): number {
    const top = this.heap[0];
    this.pos[top] = -1;
    const last = this.heap[--this.size];
    if (this.size > 0) {
      this.heap[0] = last;
      this.pos[last] = 0;
      this.siftDown(0);
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a];
    const kb = this.key[b];
    return ka < kb || (ka === kb && this.seq[a] < this.seq[b]);
  }

  private siftUp(i: number): void {
    const { heap, pos } = this;
    const node = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pn = heap[parent];
      if (!this.less(node, pn)) break;
      heap[i] = pn;
      pos[pn] = i;
      i = parent;
    }
    heap[i] = node;
    pos[node] = i;
  }

  private siftDown(i: number): void {
    const { heap, pos } = this;
    const size = this.size;
    const node = heap[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && this.less(heap[child + 1], heap[child])) child++;
      const cn = heap[child];
      if (!this.less(cn, node)) break;
      heap[i] = cn;
      pos[cn] = i;
      i = child;
    }
    heap[i] = node;
    pos[node] = i;
  }
}
