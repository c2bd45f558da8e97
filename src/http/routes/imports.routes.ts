/**
 * Streaming NDJSON imports run as jobs: POST the file (one JSON object per line) and poll the job.
 * Every line is validated before anything is written; an interrupted job resumes idempotently.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/errors.js';
import { ImportService } from '../../domain/import.service.js';
import { ON_INVALID } from '../../domain/ingest.service.js';
import { KIND_NAMES } from '../../domain/model.js';
import { authedErrors, errorResponses, SECURITY } from '../schemas/common.schemas.js';
import { IdParamsSchema, ImportJobSchema } from '../schemas/data.schemas.js';

const NDJSON = 'application/x-ndjson';

export const importsRoutes: FastifyPluginAsyncZod<{ imports: ImportService }> = async (app, opts) => {
  // The body is passed through as a stream and spooled to disk by the import service. Every other
  // type is passed through too, so that the route answers 415 naming the type to send (a JSON
  // parser would answer INVALID_JSON for NDJSON sent as application/json).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.post(
    '/imports/:kind',
    {
      config: { scope: 'write' },
      bodyLimit: Number.MAX_SAFE_INTEGER,
      schema: {
        tags: ['imports'],
        summary: 'Start an NDJSON import of one kind (Content-Type: application/x-ndjson); answers 202 with the job',
        description:
          'Lines are validated first, fields and references together. onInvalid=reject (default): a bad line rejects the whole job, naming each line and field, and nothing is written. onInvalid=skip: bad lines are left out (rowsSkipped, the first problems in errors) and the rest is written in batches.',
        security: SECURITY,
        params: z.object({ kind: z.enum(KIND_NAMES) }),
        querystring: z.object({ onInvalid: z.enum(ON_INVALID).default('reject') }),
        response: { 202: ImportJobSchema, ...authedErrors, ...errorResponses(413, 415) },
      },
    },
    async (request, reply) => {
      const type = String(request.headers['content-type'] ?? '').split(';')[0].trim();
      if (type !== NDJSON) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, `Send the import as ${NDJSON} (one JSON object per line), not ${type || 'no content type'}`);
      }
      const job = await opts.imports.startUpload(request.params.kind, request.body as AsyncIterable<Buffer>, { onInvalid: request.query.onInvalid });
      return reply.status(202).header('location', `/v1/imports/${job.id}`).send(job);
    },
  );

  app.get(
    '/imports',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['imports'],
        summary: 'Recent import jobs, newest first',
        security: SECURITY,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(ImportJobSchema) }), ...authedErrors },
      },
    },
    async (request) => ({ items: await opts.imports.list(request.query.limit) }),
  );

  app.get(
    '/imports/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['imports'],
        summary: 'Status, progress, counts and per-line errors of an import job',
        security: SECURITY,
        params: IdParamsSchema,
        response: { 200: ImportJobSchema, ...authedErrors, ...errorResponses(404) },
      },
    },
    async (request) => opts.imports.get(request.params.id),
  );

  app.delete(
    '/imports/:id',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['imports'],
        summary: 'Cancel a running import after its current batch (resume completes it later)',
        security: SECURITY,
        params: IdParamsSchema,
        response: { 200: ImportJobSchema, ...authedErrors, ...errorResponses(404, 409) },
      },
    },
    async (request) => opts.imports.cancel(request.params.id),
  );

  app.post(
    '/imports/:id/resume',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['imports'],
        summary: 'Run an interrupted, cancelled or failed import again to completion (idempotent)',
        description: 'Of concurrent calls exactly one starts the job (202); the others answer 409.',
        security: SECURITY,
        params: IdParamsSchema,
        response: { 202: ImportJobSchema, ...authedErrors, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => reply.status(202).send(await opts.imports.resume(request.params.id)),
  );
};
