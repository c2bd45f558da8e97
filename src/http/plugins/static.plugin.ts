/**
 * Serves the browser dashboard (built by `npm run build:web` into dist/web) at /app/ with
 * @fastify/static. Hashed files under assets/ are immutable for a year; index.html is revalidated
 * on every load (no-cache), so a new build is picked up at once. No key is needed to load the
 * page: it asks for one and calls the /v1 API with it. When the build is missing, /app/ says how
 * to make it.
 */
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';

export const DASHBOARD_PREFIX = '/app/';
const YEAR_SECONDS = 365 * 24 * 3600;

export const staticPlugin = fp(
  async (app: FastifyInstance, opts: { root: string }) => {
    app.get('/app', { schema: { hide: true } }, async (_request, reply) => reply.redirect(DASHBOARD_PREFIX, 301));
    if (!existsSync(join(opts.root, 'index.html'))) {
      app.get(`${DASHBOARD_PREFIX}*`, { schema: { hide: true } }, async (_request, reply) =>
        reply
          .code(503)
          .header('cache-control', 'no-store')
          .type('text/plain; charset=utf-8')
          .send('The dashboard is not built: run `npm run build:web` (npm start does it), then reload.\n'),
      );
      return;
    }
    await app.register(fastifyStatic, {
      root: opts.root,
      prefix: DASHBOARD_PREFIX,
      decorateReply: false,
      schemaHide: true,
      index: ['index.html'],
      cacheControl: false,
      etag: true,
      lastModified: true,
      setHeaders(res, path) {
        const immutable = path.includes(`${sep}assets${sep}`);
        res.header('cache-control', immutable ? `public, max-age=${YEAR_SECONDS}, immutable` : 'no-cache');
        res.header('x-content-type-options', 'nosniff');
        if (path.endsWith('.html')) res.header('referrer-policy', 'no-referrer');
      },
    });
  },
  { name: 'dashboard-static' },
);
