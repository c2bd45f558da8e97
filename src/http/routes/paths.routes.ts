/**
 * Path questions over the attention graph of the last completed run: how one customer's voice
 * reaches another, warm introductions from advocates, a customer's exposure to detractors, and
 * the detractors whose voice reaches most of the valuable part of the network.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HOP_RELATIONSHIPS, type PathsService } from '../../domain/paths.service.js';
import { STANCE_CLASSES } from '../../domain/scoring.js';
import { authedErrors, errorResponses, SECURITY } from '../schemas/common.schemas.js';
import { IdParamsSchema } from '../schemas/data.schemas.js';

const customerId = z.string().min(1).max(128);
const brand = z.string().min(1).max(128).optional().describe('Brand id (default: the primary brand, the first by id)');

const VisiblePersonSchema = z.object({ id: z.string(), name: z.string().nullable(), stance: z.enum(STANCE_CLASSES) });

export const PathPersonSchema = z
  .union([VisiblePersonSchema, z.object({ id: z.null(), optedOut: z.literal(true) })])
  .meta({ id: 'PathPerson', description: 'A customer on a path; an opted-out customer is shown only as { id: null, optedOut: true }' });

export const ExplainedPathSchema = z
  .object({
    hops: z.number().int(),
    strength: z.number().describe('Π over the hops of 1 − e^(−attentionWeight)'),
    steps: z.array(
      z.object({
        from: PathPersonSchema.describe('The speaker'),
        to: PathPersonSchema.describe('The listener'),
        tie: z.object({
          kinds: z.array(z.enum(HOP_RELATIONSHIPS)).describe('Relationships that make the listener listen: FOLLOWS the speaker, KNOWS, INTERACTED with the speaker'),
          weight: z.number().nullable().describe('Sum of the FOLLOWS/KNOWS weights; null when only interactions link them'),
          interactions: z.number().int().describe('Summed counts of the listener’s interactions with the speaker'),
          sentiment: z.number().nullable().describe('Average sentiment of those INTERACTED relationships; null when none'),
          attentionWeight: z.number().describe('Weight of the arc in the analysed graph (ties + interactionWeight × decayed interactions)'),
          strength: z.number().describe('1 − e^(−attentionWeight)'),
        }),
      }),
    ),
  })
  .meta({ id: 'ExplainedPath' });

const ListedPersonSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  influence: z.number().describe('0..100'),
  stanceScore: z.number().nullable().describe('Stance score toward the brand, −1..1'),
});

const reachQuery = z.object({
  brand,
  maxHops: z.coerce.number().int().min(1).max(6).default(3),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

const runFields = { runId: z.string(), brand: z.string(), maxHops: z.number().int(), customer: VisiblePersonSchema };

export const pathsRoutes: FastifyPluginAsyncZod<{ paths: PathsService }> = async (app, opts) => {
  app.get(
    '/paths',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['paths'],
        summary: 'The k best paths along which one customer’s voice reaches another, each hop explained',
        description:
          'A voice travels from `from` to `to` against the attention arcs (a listener follows, knows or amplifies the speaker). `mode=shortest`: fewest hops, then strongest; `mode=strongest`: largest product of hop strengths. `from` = `to` gives one path of 0 hops. Opted-out customers may be hops, shown as { id: null, optedOut: true }; as an endpoint they are answered 409.',
        security: SECURITY,
        querystring: z.object({
          from: customerId.describe('The speaker'),
          to: customerId.describe('The listener'),
          maxHops: z.coerce.number().int().min(1).max(6).default(4),
          mode: z.enum(['shortest', 'strongest']).default('shortest'),
          k: z.coerce.number().int().min(1).max(10).default(3),
          brand: brand.describe('Brand the stances of the people shown refer to (default: the primary brand)'),
        }),
        response: {
          200: z.object({
            runId: z.string(),
            brand: z.string().nullable(),
            mode: z.enum(['shortest', 'strongest']),
            maxHops: z.number().int(),
            from: VisiblePersonSchema,
            to: VisiblePersonSchema,
            paths: z.array(ExplainedPathSchema),
          }),
          ...authedErrors,
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) => opts.paths.paths(request.query),
  );

  app.get(
    '/customers/:id/advocate-paths',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['paths'],
        summary: 'Warm introductions: advocates of the brand whose voice reaches the customer, nearest first, with their best path',
        description:
          'Nearest first (hops), then by influence. Each path is the strongest of the advocate’s shortest paths to the customer. Opted-out advocates are never listed.',
        security: SECURITY,
        params: IdParamsSchema,
        querystring: reachQuery,
        response: {
          200: z.object({
            ...runFields,
            total: z.number().int().describe('Advocates whose voice reaches the customer within maxHops'),
            items: z.array(z.object({ advocate: ListedPersonSchema, hops: z.number().int(), path: ExplainedPathSchema })),
          }),
          ...authedErrors,
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) => opts.paths.advocatePaths(request.params.id, request.query),
  );

  app.get(
    '/customers/:id/detractor-exposure',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['paths'],
        summary: 'Detractors of the brand whose voice reaches the customer, with their count and share, nearest first',
        description:
          '`reachedBy` counts everyone (opted-out customers excluded) whose voice reaches the customer within maxHops; `detractors.share` = detractors.total / reachedBy.',
        security: SECURITY,
        params: IdParamsSchema,
        querystring: reachQuery,
        response: {
          200: z.object({
            ...runFields,
            reachedBy: z.number().int(),
            detractors: z.object({ total: z.number().int(), share: z.number() }),
            items: z.array(z.object({ detractor: ListedPersonSchema, hops: z.number().int(), path: ExplainedPathSchema })),
          }),
          ...authedErrors,
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) => opts.paths.detractorExposure(request.params.id, request.query),
  );

  app.get(
    '/detractors/risk',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['paths'],
        summary: 'Detractors ranked by how much of the valuable part of the network their voice reaches',
        description:
          'Valuable: the top 10% of customers by influence, anyone who purchased within 90 days of the graph’s asOf, and the brand’s advocates. riskScore = Σ over reached valuable customers of (influence / 100) / hops. Ties: more valuable customers reached, then id.',
        security: SECURITY,
        querystring: z.object({
          brand,
          hops: z.coerce.number().int().min(1).max(3).default(2),
          limit: z.coerce.number().int().min(1).max(100).default(20),
          exposed: z.coerce.number().int().min(0).max(50).default(5).describe('How many of the most exposed valuable customers to show per detractor'),
        }),
        response: {
          200: z.object({
            runId: z.string(),
            brand: z.string(),
            hops: z.number().int(),
            asOf: z.string(),
            detractors: z.number().int().describe('Detractors of the brand (opted-out ones excluded)'),
            items: z.array(
              z.object({
                rank: z.number().int(),
                detractor: ListedPersonSchema,
                reaches: z.object({
                  valuable: z.number().int(),
                  highInfluence: z.number().int(),
                  recentBuyers: z.number().int(),
                  advocates: z.number().int(),
                  everyone: z.number().int(),
                }),
                riskScore: z.number(),
                exposed: z.array(
                  z.object({
                    id: z.string(),
                    name: z.string().nullable(),
                    hops: z.number().int(),
                    influence: z.number(),
                    reasons: z.array(z.enum(['highInfluence', 'recentBuyer', 'advocate'])),
                  }),
                ),
              }),
            ),
          }),
          ...authedErrors,
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) => opts.paths.detractorRisk(request.query),
  );
};
