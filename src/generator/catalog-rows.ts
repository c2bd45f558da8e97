/** brands, products, topics and campaigns: small lists, copied out row by row. */
import { progressTicker, type RowProgress } from './util.js';

export function* catalogRows<T extends object>(rows: readonly T[], onProgress?: RowProgress): Generator<T> {
  const tick = progressTicker(rows.length, onProgress);
  for (let r = 0; r < rows.length; r++) {
    yield { ...rows[r] };
    tick(r + 1);
  }
}
