/** Topic experts: customers ranked by PageRank personalised on the topic's content creators (JSON or CSV). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CustomerFilter } from '../../domain/super-users.service.js';
import type { TopicExpertsService } from '../../domain/topic-experts.service.js';
import { authedErrors, errorResponses, plainJsonSerializer, SECURITY } from '../schemas/common.schemas.js';
import { IdParamsSchema } from '../schemas/data.schemas.js';
import { CustomerFilterQuery, sendCsv } from './insights.routes.js';

const { topic: _topic, ...filters } = CustomerFilterQuery;

const ExpertsQuery = z.object({
  ...filters,
  limit: z.coerce.number().int().min(1).max(100_000).default(50).describe('Page size (JSON, at most 500) or rows (CSV)'),
  cursor: z.string().max(500).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

const TopicPostSchema = z.object({ id: z.string(), kind: z.string().nullable(), createdAt: z.string().nullable(), engagements: z.number().int() });

export const TopicExpertSchema = z
  .object({
    rank: z.number().int(),
    id: z.string(),
    name: z.string().nullable(),
    handle: z.string().nullable(),
    segment: z.string().nullable(),
    region: z.string().nullable(),
    community: z.number().nullable(),
    score: z.number().describe('Topic PageRank × number of customers (1 = the average customer)'),
    topicPosts: z.number().int(),
    topicEngagements: z.number().int(),
    posts: z.array(TopicPostSchema).describe('Their newest posts on the topic (at most 5)'),
    influence: z.number(),
    explanation: z.string(),
  })
  .meta({ id: 'TopicExpert' });

export const topicsRoutes: FastifyPluginAsyncZod<{ experts: TopicExpertsService }> = async (app, opts) => {
  app.get(
    '/topics/:id/experts',
    {
      config: { scope: 'read' },
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['influence'],
        summary: 'Customers ranked as experts on a topic, with their posts on it and the engagement they drew',
        description:
          'PageRank personalised on the customers who posted about the topic, each weighted by Σ (1 + engagements) over those posts, on the attention graph of the last completed run. Filters and `format=csv` as for super users; opted-out customers never appear.',
        security: SECURITY,
        params: IdParamsSchema,
        querystring: ExpertsQuery,
        response: {
          200: z.object({ topic: z.string(), runId: z.string(), creators: z.number().int(), items: z.array(TopicExpertSchema), nextCursor: z.string().optional() }),
          ...authedErrors,
          ...errorResponses(404, 409),
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const filter: Omit<CustomerFilter, 'topic'> = { community: q.community, segment: q.segment, region: q.region, tier: q.tier, minReach: q.minReach };
      if (q.stance) {
        const wanted = q.stance;
        filter.where = (s, i) => {
          const b = s.brandIndex(q.brand);
          return b !== undefined && s.data.stance !== undefined && s.stanceOf(i, b).stance === wanted;
        };
      }
      const topic = request.params.id;
      if (q.format === 'csv') return sendCsv(reply, `experts-${topic}.csv`, opts.experts.csv(topic, { ...filter, limit: q.limit }));
      return opts.experts.list(topic, { ...filter, limit: Math.min(q.limit, 500), cursor: q.cursor });
    },
  );
};
