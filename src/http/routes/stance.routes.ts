/**
 * Advocates and detractors, a brand's (influence-weighted) NPS, stance transitions between runs, and
 * the signed-trust lists (trust, distrust, net trust).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { STANCE_CLASSES } from '../../domain/scoring.js';
import { TRUST_SORTS, type Side, type StanceInsightsService } from '../../domain/stance-insights.service.js';
import { authedErrors, errorResponses, plainJsonSerializer, SECURITY } from '../schemas/common.schemas.js';
import { filterOf, RankingQuery, sendCsv, SuperUserSchema, weightsOf } from './insights.routes.js';

const nullableNumber = z.number().nullable();
const Reach = z.object({ oneHop: z.number().int(), twoHops: z.number().int() });

const StanceEntrySchema = SuperUserSchema.extend({
  stance: z.object({ brand: z.string(), stance: z.enum(STANCE_CLASSES), score: nullableNumber }),
  rankScore: z.number().describe('influence × |stance score|'),
}).meta({ id: 'StanceEntry' });

const TrustEntrySchema = SuperUserSchema.extend({
  trust: z.object({
    trust: nullableNumber.describe('Trust received (signed PageRank along ties and friendly interactions)'),
    distrust: nullableNumber.describe('Distrust received (along hostile interactions)'),
    netTrust: nullableNumber.describe('trust − distrust'),
  }),
}).meta({ id: 'TrustEntry' });

const TrustQuery = RankingQuery.omit({ sort: true }).extend({
  sort: z.enum(TRUST_SORTS).default('netTrust').describe('Which signed-trust score ranks the list'),
  order: z.enum(['desc', 'asc']).default('desc').describe('desc: highest first (most trusted, most distrusted); asc: lowest first'),
});

export const stanceRoutes: FastifyPluginAsyncZod<{ stance: StanceInsightsService }> = async (app, opts) => {
  for (const side of ['advocate', 'detractor'] as Side[]) {
    app.get(
      `/${side}s`,
      {
        config: { scope: 'read' },
        serializerCompiler: plainJsonSerializer,
        schema: {
          tags: ['stance'],
          summary: `${side === 'advocate' ? 'Advocates' : 'Detractors'} of a brand ranked by influence × strength of stance`,
          description: 'Same filters, weights, pagination and CSV export as /v1/super-users; `brand` defaults to the primary brand.',
          security: SECURITY,
          querystring: RankingQuery.omit({ stance: true }),
          response: {
            200: z.object({
              runId: z.string(),
              brand: z.string(),
              side: z.enum(['advocate', 'detractor']),
              weights: z.object({ pagerank: z.number(), reach: z.number(), amplification: z.number(), bridging: z.number() }),
              sort: z.string(),
              items: z.array(StanceEntrySchema),
              nextCursor: z.string().optional(),
            }),
            ...authedErrors,
            ...errorResponses(404, 409),
          },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const base = { ...filterOf({ ...q, stance: undefined }), weights: weightsOf(q), sort: q.sort };
        if (q.format === 'csv') return sendCsv(reply, `${side}s.csv`, opts.stance.csv(side, q.brand, { ...base, limit: q.limit }));
        return opts.stance.list(side, q.brand, { ...base, limit: Math.min(q.limit, 500), cursor: q.cursor });
      },
    );
  }

  app.get(
    '/trust',
    {
      config: { scope: 'read' },
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['stance'],
        summary: 'Customers ranked by signed trust: net trust, trust or distrust, highest or lowest first',
        description:
          'Same filters, pagination and CSV export (`format=csv`, with trust, distrust and netTrust columns) as /v1/super-users; `sort=distrust` lists the most distrusted customers. Opted-out customers never appear. The influence weights only change the influence shown with each entry.',
        security: SECURITY,
        querystring: TrustQuery,
        response: {
          200: z.object({
            runId: z.string(),
            sort: z.enum(TRUST_SORTS),
            order: z.enum(['desc', 'asc']),
            weights: z.object({ pagerank: z.number(), reach: z.number(), amplification: z.number(), bridging: z.number() }),
            items: z.array(TrustEntrySchema),
            nextCursor: z.string().optional(),
          }),
          ...authedErrors,
          ...errorResponses(409),
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const base = { ...filterOf({ ...q, sort: 'influence' }), weights: weightsOf({ ...q, sort: 'influence' }) };
      if (q.format === 'csv') return sendCsv(reply, `${q.sort}.csv`, opts.stance.trustCsv(q.sort, q.order, { ...base, limit: q.limit }));
      return opts.stance.trustList(q.sort, q.order, { ...base, limit: Math.min(q.limit, 500), cursor: q.cursor });
    },
  );

  app.get(
    '/brands/:id/stance',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['stance'],
        summary: 'A brand’s NPS, influence-weighted NPS, advocate and detractor counts and reach, and their trend over runs',
        security: SECURITY,
        params: z.object({ id: z.string().min(1).max(128) }),
        response: {
          200: z.object({
            brandId: z.string(),
            runId: z.string(),
            computedAt: z.string(),
            advocates: z.number().int(),
            passives: z.number().int(),
            detractors: z.number().int(),
            unknown: z.number().int(),
            respondents: z.number().int(),
            promoters: z.number().int(),
            npsPassives: z.number().int(),
            npsDetractors: z.number().int(),
            nps: nullableNumber.describe('% promoters − % detractors among respondents (latest answer each)'),
            weightedNps: nullableNumber.describe('The same with each respondent weighted by influence'),
            advocateReach: Reach,
            detractorReach: Reach,
            trend: z.array(
              z.object({
                runId: z.string(),
                finishedAt: z.string(),
                nps: nullableNumber,
                weightedNps: nullableNumber,
                advocates: z.number().int(),
                detractors: z.number().int(),
              }),
            ),
          }),
          ...authedErrors,
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) => opts.stance.brandSummary(request.params.id),
  );

  const Move = z.object({
    id: z.string(),
    name: z.string().nullable(),
    from: z.enum(STANCE_CLASSES),
    to: z.enum(STANCE_CLASSES),
    scoreBefore: nullableNumber,
    scoreAfter: nullableNumber,
    change: z.number(),
  });

  app.get(
    '/stance/transitions',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['stance'],
        summary: 'Who moved toward advocate and who slid toward detractor between an earlier run and the last one',
        security: SECURITY,
        querystring: z.object({
          since: z.string().max(100).optional().describe('Run id to compare with (default: the previous completed run)'),
          brand: z.string().max(128).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(20),
        }),
        response: {
          200: z.object({
            brand: z.string(),
            since: z.object({ runId: z.string(), finishedAt: z.string() }),
            until: z.object({ runId: z.string(), finishedAt: z.string() }),
            matrix: z.record(z.string(), z.record(z.string(), z.number().int())).describe('matrix[from][to] = customers'),
            toAdvocate: z.number().int(),
            toDetractor: z.number().int(),
            rising: z.array(Move),
            sliding: z.array(Move),
          }),
          ...authedErrors,
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) => opts.stance.transitions(request.query.since, request.query.brand, request.query.limit),
  );
};
