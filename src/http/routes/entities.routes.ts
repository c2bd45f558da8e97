/**
 * The write and read API of the graph: for each entity kind an upsert of one (PUT), a bulk upsert
 * (POST …/bulk), a read of one with its ties and counts, and a paged list; for each event kind
 * (ties, interactions, engagements, ratings) a bulk append that is idempotent by event id.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EntityService } from '../../domain/entity.service.js';
import type { IngestService } from '../../domain/ingest.service.js';
import { ENTITY_SHAPES, entitySchema, KINDS, type EntityKindName, type KindName } from '../../domain/model.js';
import { authedErrors, errorResponses, SECURITY } from '../schemas/common.schemas.js';
import { EntityViewSchema, IdParamsSchema, PageQuerySchema, pageOf, WriteResultSchema } from '../schemas/data.schemas.js';

const TITLE: Record<KindName, string> = {
  customers: 'Customer',
  brands: 'Brand',
  products: 'Product',
  topics: 'Topic',
  campaigns: 'Campaign',
  content: 'Content',
  ties: 'Tie',
  interactions: 'Interaction',
  engagements: 'Engagement',
  ratings: 'Rating',
};

const LIST_FILTERS: Record<EntityKindName, z.ZodRawShape> = {
  customers: {
    segment: z.string().max(50).optional(),
    region: z.string().max(50).optional(),
    optedOut: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  },
  brands: {},
  products: { brandId: z.string().max(128).optional() },
  topics: {},
  campaigns: { brandId: z.string().max(128).optional() },
  content: { authorId: z.string().max(128).optional(), kind: z.string().max(20).optional() },
};

export const entitiesRoutes: FastifyPluginAsyncZod<{ ingest: IngestService; entities: EntityService }> = async (app, opts) => {
  const maxRows = opts.ingest.maxRows;

  for (const kind of Object.keys(KINDS) as KindName[]) {
    const spec = KINDS[kind];
    const title = TITLE[kind];
    app.post(
      `/${kind}/bulk`,
      {
        config: { scope: 'write' },
        schema: {
          tags: [spec.entity ? 'entities' : 'events'],
          summary: `Upsert up to ${maxRows} ${kind} in one all-or-nothing request`,
          description:
            'Every row is validated (fields, ranges, references) before anything is written; any bad row answers 400 naming each row and field, and nothing is written. Re-sending the same rows changes nothing.',
          security: SECURITY,
          body: z.array(spec.schema).max(maxRows),
          response: { 200: WriteResultSchema, ...authedErrors, ...errorResponses(413, 415) },
        },
      },
      // The body schema is the row schema: the route has validated every row already.
      async (request) => opts.ingest.ingest(kind, request.body as unknown[], { parsed: true }),
    );

    const entityKind = kind as EntityKindName;
    if (!(entityKind in ENTITY_SHAPES) || !spec.entity) continue;
    const entity = spec.entity;

    app.put(
      `/${kind}/:id`,
      {
        config: { scope: 'write' },
        schema: {
          tags: ['entities'],
          summary: `Create or replace one ${title}`,
          security: SECURITY,
          params: IdParamsSchema,
          body: entitySchema(entityKind, false).meta({ id: `${title}Upsert` }),
          response: { 200: WriteResultSchema, ...authedErrors, ...errorResponses(413) },
        },
      },
      async (request) => opts.ingest.upsertOne(kind, request.params.id, request.body),
    );

    app.get(
      `/${kind}/:id`,
      {
        config: { scope: 'read' },
        schema: {
          tags: ['entities'],
          summary: `One ${title} with its relationships and their counts`,
          security: SECURITY,
          params: IdParamsSchema,
          response: { 200: EntityViewSchema, ...authedErrors, ...errorResponses(404) },
        },
      },
      async (request) => opts.entities.get(entity, request.params.id),
    );

    app.get(
      `/${kind}`,
      {
        config: { scope: 'read' },
        schema: {
          tags: ['entities'],
          summary: `List ${kind} by id, with filters and cursor pagination`,
          security: SECURITY,
          querystring: PageQuerySchema.extend(LIST_FILTERS[entityKind]),
          response: { 200: pageOf(z.record(z.string(), z.unknown())), ...authedErrors },
        },
      },
      async (request) => {
        const { limit, cursor, ...filters } = request.query as { limit: number; cursor?: string } & Record<string, string | boolean | undefined>;
        return opts.entities.list(entity, limit, cursor, filters);
      },
    );
  }

  app.get(
    '/customers/:id/export',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['privacy'],
        summary: 'Everything held about one customer, as one JSON document (data subject access)',
        security: SECURITY,
        params: IdParamsSchema,
        response: { 200: z.record(z.string(), z.unknown()), ...authedErrors, ...errorResponses(404) },
      },
    },
    async (request) => opts.entities.exportCustomer(request.params.id),
  );

  app.delete(
    '/customers/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['privacy'],
        summary: 'Erase a customer: the node, its ties, interactions, engagements, ratings, content and every stored score',
        security: SECURITY,
        params: IdParamsSchema,
        response: {
          200: z.object({ id: z.string(), erased: z.literal(true), content: z.number().int(), scores: z.number().int() }),
          ...authedErrors,
          ...errorResponses(404),
        },
      },
    },
    async (request) => opts.entities.eraseCustomer(request.params.id),
  );
};
