/**
 * Which file a worker thread loads (see worker-thread.ts). Built code loads the compiled `.js`
 * beside its runner. Run from sources (tsx, vitest), every worker entry of src/ (`*-worker.ts`,
 * `*.worker.ts`) is bundled once per process by esbuild into `<entry>.bundle.mjs` beside it
 * (packages stay imports): a worker then loads plain JavaScript and costs the process about
 * 19 MB, where registering tsx's loader in it costs about 45 MB (a loader thread of its own and
 * the compiler's caches) — at 100k customers two scoring threads run together, a tenth of the
 * service's peak. A worker started from a bundle finds its own workers' bundles beside it;
 * without a bundle (a read-only checkout) a worker registers tsx. prepareWorkerBundles() builds
 * them ahead (the service calls it at start) so that the first run does not wait for the build.
 */
import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId } from 'node:worker_threads';
import { build, buildSync, type BuildOptions, type OutputFile } from 'esbuild';

const BUNDLE = '.bundle.mjs';
/** The source tree the bundles are built from: src/, this file being src/domain/worker-entry.ts. */
const SOURCE_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Settled once this process has written the bundles (true) or found it cannot (false). */
let bundled: boolean | undefined;
let bundling: Promise<boolean> | undefined;

function bundleOptions(): BuildOptions {
  const entryPoints = (readdirSync(SOURCE_ROOT, { recursive: true }) as string[])
    .filter((f) => /[-.]worker\.ts$/.test(f))
    .map((f) => path.join(SOURCE_ROOT, f));
  return {
    entryPoints,
    outdir: SOURCE_ROOT,
    outbase: SOURCE_ROOT,
    outExtension: { '.js': BUNDLE },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  };
}

/** Each file written under a temporary name and renamed, so that another process never loads half a bundle. */
function writeBundles(files: OutputFile[]): true {
  for (const f of files) {
    const temporary = `${f.path}.${process.pid}-${threadId}.tmp`;
    writeFileSync(temporary, f.contents);
    renameSync(temporary, f.path);
  }
  return true;
}

/** Builds the worker bundles of the sources in the background; runWorker builds them itself otherwise. */
export function prepareWorkerBundles(): Promise<boolean> {
  if (!import.meta.url.endsWith('.ts')) return Promise.resolve(false);
  bundling ??= build(bundleOptions()).then(
    (r) => writeBundles(r.outputFiles ?? []),
    () => false,
  );
  return bundling.then((ok) => (bundled ??= ok));
}

function bundlesReady(): boolean {
  if (bundled === undefined) {
    try {
      bundled = writeBundles(buildSync(bundleOptions()).outputFiles ?? []);
    } catch {
      bundled = false;
    }
  }
  return bundled;
}

export function workerEntry(from: string, entry: string): { code: URL | string; evaluate: boolean } {
  const fromBundle = from.endsWith(BUNDLE);
  if (!fromBundle && !from.endsWith('.ts')) return { code: new URL(`${entry}.js`, from), evaluate: false };
  // Run from sources: the entry's bundle when this process built it (or, inside a worker, when it is there).
  const bundle = new URL(`${entry}${BUNDLE}`, from);
  if ((fromBundle || bundlesReady()) && existsSync(bundle)) return { code: bundle, evaluate: false };
  const source = new URL(`${entry}.ts`, from);
  const tsx = pathToFileURL(createRequire(fileURLToPath(source)).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return { code: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}); });`, evaluate: true };
}
