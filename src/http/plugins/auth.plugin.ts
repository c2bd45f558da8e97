/**
 * API-key authentication for /v1: the key comes in `Authorization: Bearer …` or `X-API-Key`.
 * Each route names the scope it needs in `config.scope`; a missing or unknown key gets 401, a key
 * whose scope is too low gets 403.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Scope } from '../../config.js';
import { type ApiKeyRegistry, type Principal, scopeAllows } from '../../domain/api-keys.js';
import { AppError } from '../../domain/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope a caller's key needs for this route; routes without one are public. */
    scope?: Scope;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match) return match[1];
  }
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined;
}

export const authPlugin = fp(
  async (app: FastifyInstance, opts: { keys: ApiKeyRegistry }) => {
    app.decorateRequest('principal', undefined);
    app.addHook('onRequest', async (request) => {
      const needed = request.routeOptions.config?.scope;
      if (!needed) return;
      const key = presentedKey(request);
      if (!key) throw new AppError('UNAUTHENTICATED', 401, 'An API key is required (Authorization: Bearer <key> or X-API-Key)');
      const principal = opts.keys.authenticate(key);
      if (!principal) throw new AppError('UNAUTHENTICATED', 401, 'The API key is not valid');
      if (!scopeAllows(principal.scope, needed)) {
        throw new AppError('FORBIDDEN', 403, `This operation needs the '${needed}' scope; the key has '${principal.scope}'`);
      }
      request.principal = principal;
    });
  },
  { name: 'auth' },
);
