/**
 * What marketing tools ask: super users (JSON or CSV), a customer's social metrics and social
 * proof, communities and network metrics — all from the last completed analytics run.
 */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { PARTICIPATION_TIERS } from '../../domain/influence.js';
import { STANCE_CLASSES } from '../../domain/scoring.js';
import type { InsightsService } from '../../domain/insights.service.js';
import type { SocialProofService } from '../../domain/social-proof.service.js';
import { SUPER_USER_SORTS, type CustomerFilter, type SuperUsersService } from '../../domain/super-users.service.js';
import { authedErrors, errorResponses, plainJsonSerializer, SECURITY } from '../schemas/common.schemas.js';
import { IdParamsSchema } from '../schemas/data.schemas.js';

const nullableNumber = z.number().nullable();
const ComponentSchema = z.object({ value: nullableNumber, percentile: z.number(), weight: z.number() });
const ChangeSchema = z.object({ value: nullableNumber, percentile: nullableNumber, previous: nullableNumber, change: nullableNumber });

export const CustomerMetricsSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  runId: z.string(),
  computedAt: z.string(),
  previousRunId: z.string().nullable(),
  followers: nullableNumber,
  following: nullableNumber,
  reach: z.object({ oneHop: ChangeSchema, twoHops: ChangeSchema }),
  amplification: z.object({ received: ChangeSchema, given: ChangeSchema, interactionsReceived: nullableNumber, interactionsGiven: nullableNumber }),
  engagement: z.object({
    posts: nullableNumber,
    engagementsReceived: nullableNumber,
    engagementsGiven: nullableNumber,
    ratePerPost: nullableNumber,
    definition: z.string(),
  }),
  participationTier: z.string().nullable(),
  influence: ChangeSchema.extend({ score: z.number(), rank: z.number().int(), of: z.number().int() }),
  community: z.object({ id: nullableNumber, size: nullableNumber, previous: nullableNumber, changed: z.boolean().nullable() }),
  topics: z.array(z.string()),
  centralities: z.record(z.string(), ChangeSchema),
}).meta({ id: 'CustomerMetrics' });

export const SuperUserSchema = z
  .object({
    rank: z.number().int(),
    id: z.string(),
    name: z.string().nullable(),
    handle: z.string().nullable(),
    segment: z.string().nullable(),
    region: z.string().nullable(),
    community: nullableNumber,
    participationTier: z.string().nullable(),
    influence: z.number().describe('0..100, the weighted blend of the component percentiles'),
    reach1: nullableNumber,
    reach2: nullableNumber,
    components: z.object({ pagerank: ComponentSchema, reach: ComponentSchema, amplification: ComponentSchema, bridging: ComponentSchema }),
    explanation: z.string(),
  })
  .meta({ id: 'SuperUser' });

export const SuperUserPageSchema = z.object({
  runId: z.string(),
  weights: z.object({ pagerank: z.number(), reach: z.number(), amplification: z.number(), bridging: z.number() }),
  sort: z.enum(SUPER_USER_SORTS),
  items: z.array(SuperUserSchema),
  nextCursor: z.string().optional(),
});

const weight = z.coerce.number().min(0).max(100).optional();

/** Filters shared by every ranked list of customers. */
export const CustomerFilterQuery = {
  community: z.coerce.number().int().min(0).optional(),
  segment: z.string().max(50).optional(),
  region: z.string().max(50).optional(),
  topic: z.string().max(128).optional().describe('Customers who posted about this topic id'),
  tier: z.enum(PARTICIPATION_TIERS).optional().describe('Participation tier (90-9-1)'),
  minReach: z.coerce.number().int().min(0).optional().describe('Minimum people within 2 hops'),
  stance: z.enum(STANCE_CLASSES).optional().describe('Only customers with this stance toward `brand`'),
  brand: z.string().max(128).optional().describe('Brand of the stance filter and of advocate/detractor lists (default: the primary brand, first by id)'),
};

export const RankingQuery = z.object({
  ...CustomerFilterQuery,
  pagerankWeight: weight,
  reachWeight: weight,
  amplificationWeight: weight,
  bridgingWeight: weight,
  sort: z.enum(SUPER_USER_SORTS).default('influence'),
  limit: z.coerce.number().int().min(1).max(100_000).default(50).describe('Page size (JSON, at most 500) or rows (CSV)'),
  cursor: z.string().max(500).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

export function filterOf(q: z.infer<typeof RankingQuery>): CustomerFilter {
  const filter: CustomerFilter = { community: q.community, segment: q.segment, region: q.region, topic: q.topic, tier: q.tier, minReach: q.minReach };
  if (q.stance) {
    const wanted = q.stance;
    filter.where = (s, i) => {
      const b = s.brandIndex(q.brand);
      return b !== undefined && s.data.stance !== undefined && s.stanceOf(i, b).stance === wanted;
    };
  }
  return filter;
}

export function weightsOf(q: z.infer<typeof RankingQuery>) {
  return { pagerank: q.pagerankWeight, reach: q.reachWeight, amplification: q.amplificationWeight, bridging: q.bridgingWeight };
}

/**
 * An attachment header for a file name that may carry caller text (a topic or list id): an ASCII
 * fallback with anything outside [A-Za-z0-9._-] replaced, and the exact name as RFC 8187 UTF-8.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  return ascii === filename
    ? `attachment; filename="${filename}"`
    : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename.replace(LONE_SURROGATE, '\ufffd'))}`;
}

/** Streams CSV lines; the first chunk is pulled before answering, so an error still gets a proper status. */
export async function sendCsv(reply: FastifyReply, filename: string, lines: AsyncGenerator<string>) {
  const first = await lines.next();
  const body = Readable.from(
    (async function* () {
      if (!first.done) yield first.value;
      yield* lines;
    })(),
  );
  // A stream is sent as it is: no JSON serializer applies to it.
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', contentDisposition(filename))
    .send(body as never);
}

export const insightsRoutes: FastifyPluginAsyncZod<{ superUsers: SuperUsersService; insights: InsightsService; socialProof: SocialProofService }> = async (
  app,
  opts,
) => {
  app.get(
    '/super-users',
    {
      config: { scope: 'read' },
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['influence'],
        summary: 'Customers ranked by influence (PageRank, reach, amplification, bridging), with explanations',
        description:
          'influence = Σ weight_k · percentile_k / Σ weight_k over the four components; give any of the *Weight parameters to set your own blend (missing ones count 0). `format=csv` streams every matching row (up to `limit`) with the same columns. Opted-out customers never appear.',
        security: SECURITY,
        querystring: RankingQuery,
        response: {
          200: SuperUserPageSchema,
          ...authedErrors,
          ...errorResponses(409),
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const base = { ...filterOf(q), weights: weightsOf(q), sort: q.sort };
      if (q.format === 'csv') return sendCsv(reply, 'super-users.csv', opts.superUsers.csv({ ...base, limit: q.limit }));
      return opts.superUsers.list({ ...base, limit: Math.min(q.limit, 500), cursor: q.cursor });
    },
  );

  app.get(
    '/customers/:id/metrics',
    {
      config: { scope: 'read' },
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['influence'],
        summary: 'A customer’s social metrics, centralities with percentiles, community, and changes since the previous run',
        security: SECURITY,
        params: IdParamsSchema,
        response: {
          200: CustomerMetricsSchema,
          ...authedErrors,
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) => opts.insights.customerMetrics(request.params.id),
  );

  app.get(
    '/customers/:id/social-proof',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['influence'],
        summary: 'How many of a customer’s connections engaged with a target (and liked it), and the closest of them',
        security: SECURITY,
        params: IdParamsSchema,
        querystring: z.object({
          target: z.string().min(3).max(200).describe('kind:id, kind one of brand, product, campaign, content — e.g. product:p1'),
          closest: z.coerce.number().int().min(0).max(50).default(5),
        }),
        response: {
          200: z.object({
            customerId: z.string(),
            target: z.object({ kind: z.string(), id: z.string() }),
            connections: z.number().int(),
            engaged: z.number().int(),
            engagedShare: z.number(),
            positive: z.number().int(),
            positiveShare: z.number(),
            message: z.string(),
            closest: z.array(
              z.object({
                id: z.string(),
                name: z.string().nullable(),
                tie: z.object({ kind: z.enum(['FOLLOWS', 'KNOWS']), weight: z.number() }),
                engagement: z.object({ kind: z.string(), at: z.string(), sentiment: z.number(), positive: z.boolean() }),
              }),
            ),
          }),
          ...authedErrors,
          ...errorResponses(404),
        },
      },
    },
    async (request) => opts.socialProof.get(request.params.id, request.query.target, request.query.closest),
  );

  const DegreeDistributionSchema = z.array(z.object({ from: z.number().int(), to: z.number().int(), customers: z.number().int() }));
  const GraphFiguresSchema = z
    .object({
      arcs: z.number().int().describe('Directed arcs, each ordered pair once'),
      density: z.number().describe('arcs / (n·(n−1))'),
      reciprocity: z.number().describe('Share of arcs whose reverse exists'),
      averageClustering: z.number(),
      transitivity: z.number(),
      components: z.object({ count: z.number().int(), largest: z.number().int() }).describe('Weakly connected components'),
      degreeDistribution: DegreeDistributionSchema.describe('Customers by total (in + out) degree, log₂ bins'),
    })
    .meta({ id: 'GraphFigures' });

  const CommunitySchema = z
    .object({
      id: z.number().int(),
      size: z.number().int(),
      previousSize: z.number().int(),
      growth: z.number().int(),
      growthRate: nullableNumber,
      density: nullableNumber.describe('Social-tie graph: FOLLOWS/KNOWS arcs inside the community over size·(size−1)'),
      internalTies: z.number().int().describe('FOLLOWS/KNOWS arcs inside the community'),
      attention: z
        .object({
          density: nullableNumber.describe('Attention arcs (ties and interactions, each ordered pair once) inside the community over size·(size−1)'),
          internalArcs: z.number().int(),
        })
        .nullable()
        .describe('The community on the attention graph, where Louvain found it (null for runs made before it was computed)'),
      tiesToOtherCommunities: z.array(z.object({ community: z.number().int(), arcs: z.number().int() })),
      topics: z.array(z.object({ topic: z.string(), members: z.number().int() })),
      topMembers: z.array(z.object({ id: z.string(), name: z.string().nullable() })),
    })
    .meta({ id: 'Community' });

  app.get(
    '/communities',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['communities'],
        summary: 'Communities of the last run, largest first',
        security: SECURITY,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) }),
        response: {
          200: z.object({ runId: z.string(), total: z.number().int(), modularity: nullableNumber, items: z.array(CommunitySchema) }),
          ...authedErrors,
          ...errorResponses(409),
        },
      },
    },
    async (request) => opts.insights.communities(request.query.limit, request.query.offset),
  );

  app.get(
    '/communities/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['communities'],
        summary: 'One community: size, density, top members, ties to other communities, topics, growth',
        security: SECURITY,
        params: z.object({ id: z.coerce.number().int().min(0) }),
        response: { 200: CommunitySchema.extend({ runId: z.string() }), ...authedErrors, ...errorResponses(404, 409) },
      },
    },
    async (request) => opts.insights.community(request.params.id),
  );

  app.get(
    '/metrics/network',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['communities'],
        summary: 'Network metrics of the social-tie graph and of the attention graph: size, density, reciprocity, clustering, components, degree distribution; modularity, run timings',
        description:
          'Two graphs over the same customers: the social-tie graph (FOLLOWS/KNOWS) and the attention graph (ties and interactions, each ordered pair once) on which PageRank, components and communities are computed. `graphs` reports both with the same figures. The top-level `density`, `reciprocity`, `averageClustering`, `transitivity` and `degreeDistribution` describe the social-tie graph; the top-level `components` and `communities` the attention graph. On a graph with interactions and no ties the social figures are 0.',
        security: SECURITY,
        response: {
          200: z.object({
            runId: z.string(),
            computedAt: z.string(),
            customers: z.number().int(),
            ties: z.object({ follows: z.number().int(), knows: z.number().int() }),
            interactions: z.number().int(),
            density: nullableNumber.describe('Social-tie graph: arcs / (n·(n−1))'),
            reciprocity: nullableNumber.describe('Social-tie graph'),
            averageClustering: nullableNumber.describe('Social-tie graph'),
            transitivity: nullableNumber.describe('Social-tie graph'),
            components: z.object({ count: z.number().int(), largest: z.number().int() }).nullable().describe('Attention graph: weakly connected components'),
            communities: z.object({ count: z.number().int(), modularity: z.number() }).nullable().describe('Attention graph: Louvain communities'),
            degreeDistribution: DegreeDistributionSchema.describe('Social-tie graph: customers by total (in + out) degree, log₂ bins'),
            timings: z.array(z.object({ phase: z.string(), ms: nullableNumber })),
            graphs: z.object({
              social: GraphFiguresSchema.nullable().describe('FOLLOWS/KNOWS ties'),
              attention: GraphFiguresSchema.nullable().describe('Ties and interactions, each ordered pair once'),
            }),
          }),
          ...authedErrors,
          ...errorResponses(409),
        },
      },
    },
    async () => opts.insights.network(),
  );
};
