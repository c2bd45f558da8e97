/** GET /health (the process lives) and GET /ready (the database answers and the schema is applied). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import type { ReadinessService } from '../../domain/readiness.service.js';
import { ProblemSchema } from '../schemas/common.schemas.js';
import { problemBody } from '../plugins/errors.plugin.js';

const HealthSchema = z.object({
  status: z.literal('ok'),
  uptimeSeconds: z.number(),
  underPressure: z.boolean().optional().describe('The event loop or memory is above its configured limit (new requests get 503)'),
});
const NotReadySchema = ProblemSchema.extend({
  ready: z.literal(false),
  database: z.string().describe("'up', 'down', or why the database is away, e.g. 'restarting after exit code 137 (attempt 2)'"),
  schema: z.enum(['applied', 'pending']),
}).meta({ id: 'NotReady' });
const ReadySchema = z.object({
  status: z.literal('ready'),
  database: z.literal('up'),
  schema: z.literal('applied'),
});

export const healthRoutes: FastifyPluginAsyncZod<{ readiness: ReadinessService }> = async (app, opts) => {
  app.get(
    '/health',
    { schema: { tags: ['operations'], summary: 'The process is alive', response: { 200: HealthSchema } } },
    async () => ({
      status: 'ok' as const,
      uptimeSeconds: Math.round(process.uptime()),
      ...(app.hasDecorator('isUnderPressure') ? { underPressure: app.isUnderPressure() } : {}),
    }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'The database answers and the schema is applied (503 with a reason otherwise)',
        response: { 200: ReadySchema, 503: NotReadySchema },
      },
    },
    async (_request, reply) => {
      const state = await opts.readiness.check();
      if (!state.ready) {
        const problem = problemBody(new AppError('NOT_READY', 503, state.reason ?? 'Not ready', { retriable: true }));
        return reply
          .status(503)
          .header('retry-after', '5')
          .type('application/problem+json')
          .send({ ...problem, ready: false as const, database: state.database, schema: state.schema });
      }
      return { status: 'ready' as const, database: 'up' as const, schema: 'applied' as const };
    },
  );
};
