/**
 * Growable typed-array columns: what the projection's evidence, social proof's memory of a run and
 * the projection's arc buffers build their columns with (numbers kept in typed arrays, not arrays
 * of objects, so they cross threads as moved buffers). Grouping them by owner is groupBy in
 * analytics/csr.ts.
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

  /** Makes room for `n` entries in all (a known count: one allocation instead of doubling up to it). */
  reserve(n: number): void {
    if (n > this.data.length) this.data = resized(this.data, n, this.length);
  }
}
