/**
 * Builds the dashboard (vite build → dist/web) when dist/web/index.html is missing or older than
 * any of its sources (web/, vite.config.ts, package-lock.json). A fresh build is a no-op, so
 * `npm start` and the browser tests can call it every time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const output = join(root, 'dist/web/index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

export function webIsStale() {
  if (!existsSync(output)) return true;
  const sources = [join(root, 'web/src'), join(root, 'web/index.html'), join(root, 'vite.config.ts'), join(root, 'package-lock.json')];
  const latest = Math.max(...sources.filter((p) => existsSync(p)).map(newest));
  return latest > statSync(output).mtimeMs;
}

export function buildWebIfStale() {
  if (!webIsStale()) return false;
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  if (!existsSync(vite)) {
    // Installed without dev dependencies: serve what was built, or let /app/ say it is not built.
    console.warn('vite is not installed: the dashboard in dist/web is not rebuilt');
    return false;
  }
  const result = spawnSync(process.execPath, [vite, 'build', '--config', join(root, 'vite.config.ts')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`The dashboard build failed (vite exited with ${result.status})`);
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (buildWebIfStale()) console.log('dashboard built into dist/web');
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
