/**
 * The benches that run the service's code in their own process (the publication and API benches)
 * run it with the environment `npm start` gives the service: the allocator setting of
 * src/allocator.ts, which glibc reads only when a process starts. A bench started without it
 * starts itself again with it, once, and exits with that run's status; its result records the
 * settings it ran with (`allocator`).
 */
import { spawnSync } from 'node:child_process';
import { ALLOCATOR_ENV, missingAllocatorSettings } from '../src/allocator.js';

/** Re-runs this bench with ALLOCATOR_ENV unless it already has it (or `--system-allocator` asks to measure without it). */
export function runWithServiceAllocator(): void {
  if (process.argv.includes('--system-allocator') || missingAllocatorSettings().length === 0) return;
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...ALLOCATOR_ENV },
  });
  process.exit(child.status ?? 1);
}

/** The allocator settings this process runs with, for a bench's result. */
export function allocatorSettings(): Record<string, string | null> {
  return Object.fromEntries(Object.keys(ALLOCATOR_ENV).map((name) => [name, process.env[name] ?? null]));
}
