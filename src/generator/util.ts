/** Small helpers shared by the row generators. */

/** Progress of one row generator: `done` of `total` steps (rows, or customers processed). */
export type RowProgress = (done: number, total: number) => void;

/** Calls `onProgress` about 200 times over `total` steps, and at the end. */
export function progressTicker(total: number, onProgress?: RowProgress): (done: number) => void {
  if (!onProgress) return () => {};
  const step = Math.max(1, Math.floor(total / 200));
  return (done) => {
    if (done % step === 0 || done === total) onProgress(done, total);
  };
}

/** Rounds to three decimals (sentiments, weights). */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000 || 0;
}
