/**
 * The write and read API of the graph: for each entity kind a full replacement of one (PUT), a
 * partial update of one (PATCH, JSON merge patch), a bulk upsert (POST …/bulk), a read of one with
 * its ties and counts, and a paged list; for each event kind (ties, interactions, engagements,
 * ratings) a bulk append that is idempotent by event id. Write bodies are validated by the ingest
 * service rather than the route, so that one answer lists schema and reference problems together;
 * the route schemas document them.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, validationError } from '../../domain/errors.js';
import type { EntityService } from '../../domain/entity.service.js';
import { ON_INVALID, type IngestService } from '../../domain/ingest.service.js';
import { ATTRIBUTES_PATCH, ENTITY_SHAPES, entitySchema, KINDS, type EntityKindName, type KindName } from '../../domain/model.js';
import { authedErrors, errorResponses, SECURITY } from '../schemas/common.schemas.js';
import { EntityViewSchema, IdParamsSchema, PageQuerySchema, pageOf, WriteResultSchema } from '../schemas/data.schemas.js';

const JSON_TYPES = ['application/json', 'application/merge-patch+json'];

/** Validates params and query as usual; the body is passed through to the service, which validates it whole. */
function bodyByService<S>(route: Parameters<FastifySchemaCompiler<S>>[0]): ReturnType<FastifySchemaCompiler<S>> {
  if (route.httpPart === 'body') return (data: unknown) => ({ value: data });
  return (validatorCompiler as unknown as FastifySchemaCompiler<S>)(route);
}

const OnInvalidQuerySchema = z.object({
  onInvalid: z
    .enum(ON_INVALID)
    .default('reject')
    .describe('reject: any invalid row refuses the whole request (400 listing every row and field); skip: the valid rows are written and each skipped row is returned with its problems'),
});

/** True when a body that is not one JSON document is JSON lines (NDJSON). */
function looksLikeNdjson(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  return lines.slice(0, 5).every((line) => {
    try {
      JSON.parse(line);
      return true;
    } catch {
      return false;
    }
  });
}

/** A merge patch of an entity kind, for the documentation: every field optional, null removes it. */
function patchSchema(kind: EntityKindName) {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, schema] of Object.entries(ENTITY_SHAPES[kind])) {
    // inside attributes, too, a null removes (that attribute)
    shape[field] = (kind === 'customers' && field === 'attributes' ? ATTRIBUTES_PATCH : (schema as z.ZodType)).optional().nullable();
  }
  return z.object(shape).strict();
}

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

  // JSON bodies (merge patches included) through Fastify's own safe parser; an NDJSON body sent as
  // JSON, or any other type, is a 415 naming the type to send.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (request, body, done) => {
    jsonParser(request, String(body), (error: Error | null, value?: unknown) => {
      if (error && looksLikeNdjson(String(body))) {
        done(
          new AppError(
            'UNSUPPORTED_MEDIA_TYPE',
            415,
            'The body is NDJSON (one JSON document per line): send it to POST /v1/imports/{kind} as application/x-ndjson, or send one JSON array here as application/json',
          ),
        );
      } else if (error) done(new AppError('INVALID_JSON', 400, 'The request body is not valid JSON'));
      else done(null, value);
    });
  });
  app.addContentTypeParser('*', (request, _payload, done) => {
    const type = String(request.headers['content-type'] ?? '').split(';')[0];
    done(new AppError('UNSUPPORTED_MEDIA_TYPE', 415, `Send application/json (PATCH also takes application/merge-patch+json), not ${type || 'this type'}`));
  });

  for (const kind of Object.keys(KINDS) as KindName[]) {
    const spec = KINDS[kind];
    const title = TITLE[kind];
    app.post(
      `/${kind}/bulk`,
      {
        config: { scope: 'write' },
        schema: {
          tags: [spec.entity ? 'entities' : 'events'],
          summary: `Upsert up to ${maxRows} ${kind} in one request (all-or-nothing unless onInvalid=skip)`,
          description:
            'Every row is validated (fields, ranges, references) before anything is written, and every problem is reported in one answer. With onInvalid=reject (default) any bad row answers 400 naming each row and field, and nothing is written; with onInvalid=skip the valid rows are written and the others listed in `skipped`. Re-sending the same rows changes nothing.',
          security: SECURITY,
          querystring: OnInvalidQuerySchema,
          body: z.array(spec.schema).max(maxRows),
          response: { 200: WriteResultSchema, ...authedErrors, ...errorResponses(413, 415) },
        },
        validatorCompiler: bodyByService,
      },
      async (request) => {
        const body: unknown = request.body;
        if (!Array.isArray(body)) {
          throw validationError('The body must be a JSON array of rows', [{ path: ['body'], message: 'must be an array of rows', code: 'invalid_type' }]);
        }
        return opts.ingest.ingest(kind, body, { onInvalid: request.query.onInvalid });
      },
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
          description: 'Full replacement: every field not sent is removed (optedOut returns to false). To change some fields only, use PATCH.',
          security: SECURITY,
          params: IdParamsSchema,
          body: entitySchema(entityKind, false).meta({ id: `${title}Upsert` }),
          response: { 200: WriteResultSchema, ...authedErrors, ...errorResponses(413, 415) },
        },
        validatorCompiler: bodyByService,
      },
      async (request) => opts.ingest.upsertOne(kind, request.params.id, request.body),
    );

    app.patch(
      `/${kind}/:id`,
      {
        config: { scope: 'write' },
        schema: {
          tags: ['entities'],
          summary: `Change some fields of one ${title} (JSON merge patch)`,
          description:
            'RFC 7396 merge patch (application/merge-patch+json or application/json): a field present sets it, null removes it, an absent field keeps its value. The merged record is validated like PUT. 404 when it does not exist.',
          security: SECURITY,
          params: IdParamsSchema,
          body: patchSchema(entityKind).meta({ id: `${title}Patch` }),
          response: { 200: WriteResultSchema, ...authedErrors, ...errorResponses(404, 413, 415) },
        },
        validatorCompiler: bodyByService,
      },
      async (request) => opts.ingest.patchOne(entityKind, request.params.id, request.body),
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
