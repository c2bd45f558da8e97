/**
 * What a worker thread's own code uses: progress throttling, the transfer list of its answer, and
 * its thread's scheduling priority. Kept apart from worker-thread.ts (which starts workers and
 * loads esbuild to bundle them, about 13 MB of code) so that a worker loads none of that.
 */
import { getPriority, setPriority } from 'node:os';

/** What a worker started ahead (worker-thread.ts, StandbyWorker) posts once it is ready for its job. */
export const STANDING_BY = 'standing-by';

/**
 * Lowers the calling thread's scheduling priority (nice 10) for the work of an analytics run, so
 * that while a run computes, the service's own thread (the API) wins the cores whenever it has
 * something to do: on a 2-core machine two scoring threads, Neo4j and the event loop otherwise
 * share the cores as equals and a request waits its turn. On Linux a nice value belongs to one
 * thread; elsewhere setpriority(0) would lower the whole process, so it is done on Linux only.
 * A thread already niced further is left as it is. Returns whether the thread now runs at that
 * priority or lower.
 */
export function runInBackground(nice = 10): boolean {
  if (process.platform !== 'linux') return false;
  try {
    if (getPriority() < nice) setPriority(nice);
    return true;
  } catch {
    return false;
  }
}

/**
 * For a worker's progress messages: true at most once per `ms` (the first call included), so a
 * kernel that reports at every checkpoint does not flood the service's thread with messages.
 */
export function throttle(ms = 200): () => boolean {
  let last = -Infinity;
  return () => {
    const now = Date.now();
    if (now - last < ms) return false;
    last = now;
    return true;
  };
}

/** Every distinct ArrayBuffer under a value (typed arrays in objects, arrays and maps), for a transfer list. */
export function buffersOf(value: unknown, seen = new Set<ArrayBuffer>(), visited = new Set<object>()): ArrayBuffer[] {
  if (value === null || typeof value !== 'object' || visited.has(value)) return [...seen];
  visited.add(value);
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) seen.add(value.buffer);
  } else if (value instanceof Map) {
    for (const v of value.values()) buffersOf(v, seen, visited);
  } else if (Array.isArray(value)) {
    // Arrays of strings or numbers hold no buffers, nor do arrays of such arrays (a projection's
    // topics): look at the first element only to skip them fast.
    if (value.length > 0 && typeof value[0] === 'object' && !Array.isArray(value[0])) for (const v of value) buffersOf(v, seen, visited);
  } else {
    for (const v of Object.values(value)) buffersOf(v, seen, visited);
  }
  return [...seen];
}
