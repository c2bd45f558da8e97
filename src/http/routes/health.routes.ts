/** GET /health (the process lives) and GET /ready (the database answers and the schema is applied). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import type { ReadinessService } from '../../domain/readiness.service.js';
import { errorResponses } from '../schemas/common.schemas.js';
import { sendProblem } from '../plugins/errors.plugin.js';

const HealthSchema = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() });
const ReadySchema = z.object({
  status: z.literal('ready'),
  database: z.literal('up'),
  schema: z.literal('applied'),
});

export const healthRoutes: FastifyPluginAsyncZod<{ readiness: ReadinessService }> = async (app, opts) => {
  app.get(
    '/health',
    { schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: HealthSchema } } },
    async () => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'The database answers and the schema is applied (503 with a reason otherwise)',
        response: { 200: ReadySchema, ...errorResponses(503) },
      },
    },
    async (_request, reply) => {
      const state = await opts.readiness.check();
      if (!state.ready) {
        return sendProblem(reply, new AppError('NOT_READY', 503, state.reason ?? 'Not ready', { retriable: true }));
      }
      return { status: 'ready' as const, database: 'up' as const, schema: 'applied' as const };
    },
  );
};
