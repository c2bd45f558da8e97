/** Influencer lists attached to campaigns: create (from a plan or by hand), list, read (JSON or CSV), replace, edit, delete, reach. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LIST_MAX_MEMBERS, type InfluencerListService } from '../../domain/influencer-list.service.js';
import { authedErrors, errorResponses, SECURITY } from '../schemas/common.schemas.js';
import { IdParamsSchema } from '../schemas/data.schemas.js';
import { sendCsv } from './insights.routes.js';

const CustomerId = z.string().min(1).max(128);
const MemberInputSchema = z.object({ id: CustomerId, reason: z.string().max(500).optional() }).strict();

const ListBodySchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    campaignId: z.string().min(1).max(128).describe('The Campaign the list is for (must exist)'),
    planId: z.string().min(1).max(128).optional().describe('A completed campaign plan whose seeds become the first members, in order, with their reasons'),
    members: z.array(MemberInputSchema).max(LIST_MAX_MEMBERS).optional().describe('Hand-picked members (after the plan’s seeds)'),
  })
  .strict()
  .meta({ id: 'InfluencerListBody' });

const PatchSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).nullable().optional(),
    add: z.array(MemberInputSchema).max(LIST_MAX_MEMBERS).optional().describe('Members appended at the end'),
    remove: z.array(CustomerId).max(LIST_MAX_MEMBERS).optional(),
  })
  .strict()
  .meta({ id: 'InfluencerListPatch' });

const nullableNumber = z.number().nullable();
const MemberSchema = z.object({
  rank: z.number().int(),
  id: z.string(),
  reason: z.string().nullable(),
  name: z.string().nullable(),
  handle: z.string().nullable(),
  segment: z.string().nullable(),
  region: z.string().nullable(),
  community: nullableNumber,
  influence: nullableNumber,
  reach1: nullableNumber,
  reach2: nullableNumber,
  stance: z.string().nullable(),
});

const summaryShape = {
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  campaignId: z.string(),
  planId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const InfluencerListSchema = z
  .object({ ...summaryShape, runId: z.string().nullable().describe('The analytics run the member scores come from'), members: z.array(MemberSchema) })
  .meta({ id: 'InfluencerList' });

const ListSummarySchema = z.object({ ...summaryShape, memberCount: z.number().int() }).meta({ id: 'InfluencerListSummary' });

const ReachSchema = z
  .object({
    listId: z.string(),
    runId: z.string(),
    members: z.number().int().describe('Members counted (listable and in the run’s graph)'),
    notInGraph: z.array(z.string()),
    reach1: z.number().int().describe('Unique people who listen to at least one member (members excluded)'),
    reach2: z.number().int().describe('Unique people within two hops of the members (members excluded)'),
    overlap: z.object({
      members: z.array(z.string()),
      shared: z.array(z.array(z.number().int())).describe('shared[a][b]: people in the audiences of both a and b; the diagonal is each audience size'),
      jaccard: z.array(z.array(z.number())),
      truncated: z.boolean().describe('True when the list has more members than the matrix shows'),
    }),
    spread: z.object({
      model: z.enum(['ic', 'lt']),
      expected: z.number(),
      mean: z.number(),
      low: z.number(),
      high: z.number(),
      stdev: z.number(),
      runs: z.number().int().describe('Independent forward simulations'),
    }),
  })
  .meta({ id: 'InfluencerListReach' });

export const influencerListsRoutes: FastifyPluginAsyncZod<{ lists: InfluencerListService }> = async (app, opts) => {
  const view = async (id: string) => {
    const { list, runId, members } = await opts.lists.view(id);
    const { members: _stored, ...rest } = list;
    return { ...rest, runId, members };
  };

  app.post(
    '/influencer-lists',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['campaigns'],
        summary: 'Save a campaign plan or a hand-picked set of customers as a named list for a campaign',
        description: 'Opted-out customers cannot be members; give planId, members or both.',
        security: SECURITY,
        body: ListBodySchema,
        response: { 201: InfluencerListSchema, ...authedErrors, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const list = await opts.lists.create(request.body);
      return reply.status(201).header('location', `/v1/influencer-lists/${list.id}`).send(await view(list.id));
    },
  );

  app.get(
    '/influencer-lists',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['campaigns'],
        summary: 'Influencer lists, newest first; all of a campaign’s with campaignId',
        security: SECURITY,
        querystring: z.object({ campaignId: z.string().min(1).max(128).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ items: z.array(ListSummarySchema) }), ...authedErrors },
      },
    },
    async (request) => ({ items: await opts.lists.list(request.query.campaignId, request.query.limit) }),
  );

  app.get(
    '/influencer-lists/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['campaigns'],
        summary: 'A list with its members in rank order and their scores (format=csv for a file)',
        security: SECURITY,
        params: IdParamsSchema,
        querystring: z.object({ format: z.enum(['json', 'csv']).default('json') }),
        response: { 200: InfluencerListSchema, ...authedErrors, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      if (request.query.format === 'csv') return sendCsv(reply, `influencer-list-${request.params.id}.csv`, opts.lists.csv(request.params.id));
      return view(request.params.id);
    },
  );

  app.put(
    '/influencer-lists/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['campaigns'],
        summary: 'Replace a list’s name, description, campaign and members',
        security: SECURITY,
        params: IdParamsSchema,
        body: ListBodySchema,
        response: { 200: InfluencerListSchema, ...authedErrors, ...errorResponses(404, 409) },
      },
    },
    async (request) => {
      await opts.lists.replace(request.params.id, request.body);
      return view(request.params.id);
    },
  );

  app.patch(
    '/influencer-lists/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['campaigns'],
        summary: 'Rename a list, or add and remove members',
        security: SECURITY,
        params: IdParamsSchema,
        body: PatchSchema,
        response: { 200: InfluencerListSchema, ...authedErrors, ...errorResponses(404) },
      },
    },
    async (request) => {
      await opts.lists.patch(request.params.id, request.body);
      return view(request.params.id);
    },
  );

  app.delete(
    '/influencer-lists/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['campaigns'],
        summary: 'Delete a list (its members stay customers)',
        security: SECURITY,
        params: IdParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...authedErrors, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await opts.lists.delete(request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/influencer-lists/:id/reach',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['campaigns'],
        summary: 'Unique reach at one and two hops, audience overlap and expected spread of a list',
        description: 'On the graph of the last completed analytics run; the spread uses the interactions probability rule and `simulations` independent forward simulations (95% band mean ± 1.96·sd/√runs).',
        security: SECURITY,
        params: IdParamsSchema,
        querystring: z.object({
          model: z.enum(['ic', 'lt']).default('ic'),
          simulations: z.coerce.number().int().min(100).max(20_000).default(1000),
          seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(1),
        }),
        response: { 200: ReachSchema, ...authedErrors, ...errorResponses(404, 409) },
      },
    },
    async (request) => opts.lists.reach(request.params.id, request.query),
  );
};
