/**
 * Build of the browser dashboard (web/) into dist/web, served by the service at /app.
 * Every asset gets a content hash in its name, so the service can mark assets immutable and
 * index.html no-cache. Run with `npm run build:web` (npm start and the browser tests do it when stale).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  base: '/app/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
});
