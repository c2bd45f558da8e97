/** Campaign plans: queue a seed selection (202), follow its phase and samples, read the result, cancel. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PLAN_STATUSES, type CampaignPlanService } from '../../domain/campaign/campaign-plan.service.js';
import { CampaignPlanParamsSchema } from '../../domain/campaign/plan-params.js';
import { STANCE_CLASSES } from '../../domain/scoring.js';
import { authedErrors, errorResponses, SECURITY } from '../schemas/common.schemas.js';
import { IdParamsSchema } from '../schemas/data.schemas.js';

const byStance = z.object(Object.fromEntries(STANCE_CLASSES.map((c) => [c, z.number()])) as Record<(typeof STANCE_CLASSES)[number], z.ZodNumber>);

export const ReachFiguresSchema = z
  .object({
    expected: z.number().describe('Expected customers activated, seeds included'),
    low: z.number().describe('Lower end of the 95% band: expected − 1.96 · stdev / √simulations'),
    high: z.number(),
    stdev: z.number(),
    simulations: z.number().int().describe('Independent forward simulations behind these figures'),
    share: z.number().describe('expected / customers in the graph'),
    byCommunity: z.array(z.object({ community: z.number().nullable(), expected: z.number() })),
    byStance,
    detractorShare: z.number().describe('Share of the expected reach that lands on detractors of the brand'),
  })
  .meta({ id: 'ReachFigures' });

export const PlanSeedSchema = z
  .object({
    rank: z.number().int(),
    id: z.string(),
    name: z.string().nullable(),
    handle: z.string().nullable(),
    segment: z.string().nullable(),
    region: z.string().nullable(),
    community: z.number().nullable(),
    communitySize: z.number().nullable(),
    audience: z.number().int().describe('People who listen to this customer (one hop)'),
    reach2: z.number().nullable(),
    influence: z.number(),
    stance: z.enum(STANCE_CLASSES),
    cost: z.number().nullable(),
    forced: z.boolean(),
    marginalGain: z.number().describe('Expected additional people reached by adding this seed'),
    reason: z.string(),
  })
  .meta({ id: 'PlanSeed' });

export const CampaignPlanSchema = z
  .object({
    id: z.string(),
    status: z.enum(PLAN_STATUSES),
    params: z.record(z.string(), z.unknown()),
    runId: z.string().optional().describe('The analytics run whose graph and scores the plan uses'),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    updatedAt: z.string(),
    progress: z.object({
      phase: z.string(),
      samples: z.number().int().describe('Reverse-reachable sets (IMM) or Monte-Carlo estimates (CELF) drawn so far'),
      done: z.number(),
      total: z.number(),
    }),
    message: z.string().optional(),
    result: z
      .object({
        runId: z.string(),
        brand: z.string().nullable(),
        customers: z.number().int(),
        candidates: z.number().int(),
        candidatesWithoutCost: z.number().int(),
        seeds: z.array(PlanSeedSchema),
        totalCost: z.number().nullable(),
        estimatedSpread: z.number().describe('The selection’s own estimate (reverse-reachable sets or Monte-Carlo)'),
        samples: z.number().int(),
        capped: z.boolean().describe('True when IMM stopped sampling at its memory bound before the θ its guarantee needs'),
        budgetRule: z.string().nullable().describe('With a budget: the greedy that won, unit-cost or cost-effective'),
        reach: ReachFiguresSchema,
        naive: z.object({ description: z.string(), seeds: z.array(z.string()), totalCost: z.number().nullable(), reach: ReachFiguresSchema }),
        gain: z.number().describe('Expected reach of the plan minus that of the naive list'),
      })
      .optional(),
  })
  .meta({ id: 'CampaignPlan' });

export const campaignsRoutes: FastifyPluginAsyncZod<{ plans: CampaignPlanService }> = async (app, opts) => {
  app.post(
    '/campaign-plans',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['campaigns'],
        summary: 'Plan a campaign: the k customers (or those a budget affords) who together reach the most',
        description:
          'Queues a seed selection on the graph of the last completed analytics run (IMM by default, or greedy CELF) and answers 202 at once; follow it with GET /v1/campaign-plans/{id}. Opted-out customers are never seeds; detractors of the brand are left out unless `constraints.excludeDetractors` is false.',
        security: SECURITY,
        body: CampaignPlanParamsSchema,
        response: { 202: CampaignPlanSchema, ...authedErrors, ...errorResponses(409) },
      },
    },
    async (request, reply) => {
      const plan = await opts.plans.start(request.body);
      return reply.status(202).header('location', `/v1/campaign-plans/${plan.id}`).send(plan);
    },
  );

  app.get(
    '/campaign-plans',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['campaigns'],
        summary: 'Campaign plans, newest first',
        security: SECURITY,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
        response: { 200: z.object({ items: z.array(CampaignPlanSchema) }), ...authedErrors },
      },
    },
    async (request) => ({ items: await opts.plans.list(request.query.limit) }),
  );

  app.get(
    '/campaign-plans/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['campaigns'],
        summary: 'Status, phase and samples drawn of a plan, then its result',
        security: SECURITY,
        params: IdParamsSchema,
        response: { 200: CampaignPlanSchema, ...authedErrors, ...errorResponses(404) },
      },
    },
    async (request) => opts.plans.get(request.params.id),
  );

  app.post(
    '/campaign-plans/:id/cancel',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['campaigns'],
        summary: 'Cancel a queued or running plan',
        security: SECURITY,
        params: IdParamsSchema,
        response: { 200: CampaignPlanSchema, ...authedErrors, ...errorResponses(404, 409) },
      },
    },
    async (request) => opts.plans.cancel(request.params.id),
  );
};
