/**
 * The community map: a ForceAtlas2 layout computed once per analytics run and stored with it
 * (positions), the aggregated view (communities as nodes, ties between them as weighted edges) and
 * one community's members — what the dashboard draws, open to any other tool.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LayoutService } from '../../domain/layout.service.js';
import { authedErrors, errorResponses, plainJsonSerializer, SECURITY } from '../schemas/common.schemas.js';

const LayoutInfo = {
  runId: z.string(),
  computedAt: z.string().describe('When the layout of this run was computed (once per run)'),
};

const MapEdgeSchema = z.object({ source: z.string(), target: z.string(), weight: z.number() }).meta({ id: 'MapEdge' });

const CommunityMapNodeSchema = z
  .object({
    id: z.number().int(),
    size: z.number().int().describe('Members (every customer of the run)'),
    x: z.number().describe('Centroid of the members’ layout positions'),
    y: z.number(),
    influence: z.number().describe('Highest influence (0..100) among listable members'),
    detractors: z.number().int().describe('Members who are detractors of the primary brand'),
    topMember: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'CommunityMapNode' });

const MemberMapNodeSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    x: z.number(),
    y: z.number(),
    influence: z.number(),
    community: z.number().int(),
    detractor: z.boolean().describe('Detractor of the primary brand'),
  })
  .meta({ id: 'MemberMapNode' });

export const mapRoutes: FastifyPluginAsyncZod<{ layouts: LayoutService }> = async (app, opts) => {
  app.get(
    '/map/layout',
    {
      config: { scope: 'read' },
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['communities'],
        summary: 'Layout positions of the customers (ForceAtlas2, computed once per analytics run and stored with it)',
        description:
          'ForceAtlas2 (graphology-layout-forceatlas2, Barnes-Hut above 2,000 customers) over the attention graph of the last completed run, from seeded start positions. Computed right after the run is published (or on the first request for an older run) and stored on a RunLayout node of the run, so every read of a run answers the same positions. Paged in customer id order; opted-out customers are left out.',
        security: SECURITY,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100_000).default(10_000), offset: z.coerce.number().int().min(0).default(0) }),
        response: {
          200: z.object({
            ...LayoutInfo,
            iterations: z.number().int(),
            offset: z.number().int(),
            items: z.array(z.object({ id: z.string(), x: z.number(), y: z.number(), community: z.number().nullable() })),
          }),
          ...authedErrors,
          ...errorResponses(409),
        },
      },
    },
    async (request) => opts.layouts.positions(request.query.offset, request.query.limit),
  );

  app.get(
    '/map/communities',
    {
      config: { scope: 'read' },
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['communities'],
        summary: 'The aggregated map: communities as nodes at their members’ centroid, ties between communities as weighted edges',
        description: 'Largest communities first (at most `limit`); an edge’s weight is the summed attention-arc weight between the two communities, both directions.',
        security: SECURITY,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(5_000).default(500) }),
        response: {
          200: z.object({
            ...LayoutInfo,
            customers: z.number().int(),
            total: z.number().int().describe('Communities in the run'),
            nodes: z.array(CommunityMapNodeSchema),
            edges: z.array(MapEdgeSchema),
          }),
          ...authedErrors,
          ...errorResponses(409),
        },
      },
    },
    async (request) => opts.layouts.communities(request.query.limit),
  );

  app.get(
    '/map/communities/:id',
    {
      config: { scope: 'read' },
      serializerCompiler: plainJsonSerializer,
      schema: {
        tags: ['communities'],
        summary: 'One community on the map: its members at their layout positions (most influential first) and the ties among them',
        security: SECURITY,
        params: z.object({ id: z.coerce.number().int().min(0) }),
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(20_000).default(3_000) }),
        response: {
          200: z.object({
            ...LayoutInfo,
            community: z.number().int(),
            total: z.number().int().describe('Listable members of the community'),
            nodes: z.array(MemberMapNodeSchema),
            edges: z.array(MapEdgeSchema),
          }),
          ...authedErrors,
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) => opts.layouts.community(request.params.id, request.query.limit),
  );
};
