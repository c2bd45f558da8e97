/**
 * The C library allocator setting the service runs with, and the check that it is in effect.
 *
 * Typed arrays live outside V8's heap, in memory from glibc's malloc. glibc serves a large block
 * from a mapping of its own only while the block is above its mmap threshold, and that threshold
 * rises, by default, to the size of every mapped block freed (up to 32 MB): after the first few
 * arrays of a run are freed, arrays of a few MB come from the allocator's heaps, where freed
 * memory mostly stays resident. A run frees and allocates such arrays in every phase (and each
 * worker thread gets heaps of its own), so the service's RSS grew well past what it held: at 100k
 * customers its peak was 505–549 MB for about 350 MB of live data. With the threshold fixed at
 * 128 KiB (`MALLOC_MMAP_THRESHOLD_`, which also stops it from moving), every array of that size or
 * more is its own mapping and goes back to the system when freed: the same run peaked at 442–447 MB
 * (README "Sizing"). glibc reads the variable once, when the process starts, so it has to be in
 * the environment the process is started with: `npm start` sets it, and the service logs a warning
 * when it runs without it. Other C libraries ignore it.
 */

/** The environment `npm start` gives the service (package.json's start script sets the same). */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072' };

/** The settings of ALLOCATOR_ENV that `env` lacks or sets otherwise, as `NAME=value`. */
export function missingAllocatorSettings(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(ALLOCATOR_ENV)
    .filter(([name, value]) => env[name] !== value)
    .map(([name, value]) => `${name}=${value}`);
}
