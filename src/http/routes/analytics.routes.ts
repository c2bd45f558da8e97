/** Analytics runs: start one (202), follow its phases and progress, list the history, cancel. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RUN_STATUSES, type AnalyticsRunService } from '../../domain/analytics-run.service.js';
import { RunParamsSchema } from '../../domain/scoring.js';
import { authedErrors, errorResponses, SECURITY } from '../schemas/common.schemas.js';
import { IdParamsSchema } from '../schemas/data.schemas.js';

export const RunSchema = z
  .object({
    id: z.string(),
    status: z.enum(RUN_STATUSES),
    params: z.record(z.string(), z.unknown()),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    progress: z.number().min(0).max(1),
    phases: z.array(z.object({ name: z.string(), status: z.enum(['pending', 'running', 'done', 'skipped']), ms: z.number().optional() })),
    summary: z
      .record(z.string(), z.unknown())
      .describe('Sizes, modularity, sample sizes and error bounds, convergence; `engine`: which engine ran (in-process or gds), why, and where each phase was computed'),
    message: z.string().optional(),
    peakRssMb: z.number().optional(),
  })
  .meta({ id: 'AnalyticsRun' });

export const analyticsRoutes: FastifyPluginAsyncZod<{ runs: AnalyticsRunService }> = async (app, opts) => {
  app.post(
    '/analytics/runs',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['analytics'],
        summary: 'Start an analytics run (one at a time; 409 while another runs)',
        description: 'Projects the customer graph, runs the chosen algorithms and publishes the scores onto Customer nodes in one transaction.',
        security: SECURITY,
        body: RunParamsSchema.optional(),
        response: { 202: RunSchema, ...authedErrors, ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      const run = await opts.runs.start(request.body ?? {});
      return reply.status(202).header('location', `/v1/analytics/runs/${run.id}`).send(run);
    },
  );

  app.get(
    '/analytics/runs',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['analytics'],
        summary: 'Run history, newest first',
        security: SECURITY,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
        response: { 200: z.object({ items: z.array(RunSchema) }), ...authedErrors },
      },
    },
    async (request) => ({ items: await opts.runs.list(request.query.limit) }),
  );

  app.get(
    '/analytics/runs/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['analytics'],
        summary: 'Status, progress, per-phase timings and summary of a run',
        security: SECURITY,
        params: IdParamsSchema,
        response: { 200: RunSchema, ...authedErrors, ...errorResponses(404) },
      },
    },
    async (request) => opts.runs.get(request.params.id),
  );

  app.delete(
    '/analytics/runs/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['analytics'],
        summary: 'Cancel the run in progress; the previous results stay in place',
        security: SECURITY,
        params: IdParamsSchema,
        response: { 200: RunSchema, ...authedErrors, ...errorResponses(404, 409) },
      },
    },
    async (request) => opts.runs.cancel(request.params.id),
  );
};
