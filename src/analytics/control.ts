/**
 * How a caller stops a long kernel midway and hears how far it is: an AbortSignal checked inside
 * the kernel's outer loop (per source, per iteration, per block of nodes) and a progress callback
 * called at the same points with the fraction done. Aborting makes the kernel throw the signal's
 * reason at its next check. Cost: one check per outer step, nothing when no control is given.
 */

export interface KernelControl {
  /** Checked inside the kernel's loops; once aborted the kernel throws the signal's reason. */
  signal?: AbortSignal;
  /** Fraction of the work done (0..1, an estimate for iterative kernels), at each check. */
  onProgress?: (fraction: number) => void;
}

/** Reports progress, then stops the kernel if its signal has been aborted (even from the progress callback). */
export function checkpoint(control: KernelControl | undefined, done: number, total: number): void {
  if (!control) return;
  control.onProgress?.(total > 0 ? Math.min(1, done / total) : 1);
  control.signal?.throwIfAborted();
}
