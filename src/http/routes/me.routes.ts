/** GET /v1/me: who the presented API key belongs to and its scope — the simplest authenticated call. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SCOPES } from '../../config.js';
import { authedErrors, SECURITY } from '../schemas/common.schemas.js';

export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/me',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['operations'],
        summary: 'The caller’s key name and scope',
        security: SECURITY,
        response: { 200: z.object({ name: z.string(), scope: z.enum(SCOPES) }), ...authedErrors },
      },
    },
    async (request) => ({ name: request.principal!.name, scope: request.principal!.scope }),
  );
};
