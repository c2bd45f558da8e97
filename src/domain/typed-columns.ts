/**
 * Growable typed-array columns and grouping by owner: what the projection's evidence, social
 * proof's memory of a run and the projection's arc buffers build their columns with (numbers kept
 * in typed arrays, not arrays of objects, so they cross threads as moved buffers).
 */
export type TypedColumn = Float64Array | Int32Array | Uint8Array;

/** A copy of `a` with room for `n` entries, its first `used` entries kept. */
export function resized<T extends TypedColumn>(a: T, n: number, used = a.length): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a.subarray(0, Math.min(used, n)));
  return b;
}

/** A growable typed column: push appends, doubling the storage when it is full. */
export class Column<T extends TypedColumn> {
  length = 0;
  constructor(public data: T) {}

  push(v: number): void {
    if (this.length === this.data.length) this.data = resized(this.data, Math.max(16, this.data.length * 2));
    this.data[this.length++] = v;
  }
}

/**
 * Rows grouped by their owner (a counting sort, stable): the rows of owner c are
 * order[offsets[c]] … order[offsets[c + 1] − 1], in the order they were added. O(count + n).
 */
export function groupBy(owner: Int32Array, count: number, n: number): { offsets: Int32Array; order: Int32Array } {
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < count; i++) offsets[owner[i] + 1]++;
  for (let c = 0; c < n; c++) offsets[c + 1] += offsets[c];
  const fill = offsets.slice(0, n);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[fill[owner[i]]++] = i;
  return { offsets, order };
}
