/**
 * OpenAPI: routes declare zod schemas; @fastify/swagger builds the document from them and Swagger UI
 * serves it at /docs. The same document is served without a key at /openapi.json, and
 * scripts/openapi.ts writes it to openapi.yaml.
 *
 * Two generic passes keep the document saying what the code does, without repeating it on every
 * route: each operation with a `config.scope` gets its security requirement, `x-required-scope` and
 * a sentence naming the scope; and every operation lists the errors it can answer — 400 when it
 * takes input, 401/403 when it needs a key, 404/414 with a path parameter, 413/415 with a body,
 * 500 and 503 always (the database, or the event-loop guard) — each as `application/problem+json`
 * with the Problem schema.
 *
 * Union branches: the type provider's default override drops a union's empty branches while zod is
 * still filling shared schemas in, which lost the integer and epoch-number alternatives of ids and
 * timestamps from components (the API accepted `"endsAt": 25991396217919`, the document said
 * string only). Here the override keeps every branch, and the finished document drops only the
 * branches that are empty there (a transform's output, which JSON Schema cannot state).
 */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject, type jsonSchemaTransform, type jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { SECURITY } from '../schemas/common.schemas.js';

export const API_VERSION = '0.1.0';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** Why each error status can be answered; the text is the response's description. */
const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400': 'The request is invalid: each problem is listed with its path (VALIDATION_FAILED, BAD_URL, INVALID_JSON)',
  '401': 'No API key, or a key that is not valid (UNAUTHENTICATED)',
  '403': 'The key’s scope is too low for this operation (FORBIDDEN)',
  '404': 'The resource named in the path does not exist (NOT_FOUND)',
  '409': 'The request conflicts with the current state (e.g. no completed analytics run yet, a run already running)',
  '413': 'The request body is larger than this operation accepts (PAYLOAD_TOO_LARGE)',
  '414': 'A path parameter is longer than the server accepts (URI_TOO_LONG)',
  '415': 'The content type of the request is not one this operation accepts (UNSUPPORTED_MEDIA_TYPE)',
  '429': 'Too many requests; retry after the time given in Retry-After',
  '500': 'An unexpected error; the message carries no internal detail (INTERNAL)',
  '503': 'The database is not reachable or the service is overloaded; retriable, see Retry-After',
  '507': 'The server cannot write its files right now (disk full or read-only); retriable (INSUFFICIENT_STORAGE)',
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface Operation {
  description?: string;
  security?: unknown[];
  parameters?: { in?: string }[];
  requestBody?: unknown;
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
  'x-required-scope'?: string;
  [key: string]: unknown;
}

/** Keeps every union branch while zod builds the schemas; `dropEmptyBranches` runs on the finished document. */
const zodToJsonConfig = { override: () => undefined };
const baseTransform = createJsonSchemaTransform({ zodToJsonConfig });
const baseTransformObject = createJsonSchemaTransformObject({ zodToJsonConfig });

/** Removes `{}` from every `anyOf`/`oneOf` in place (a branch that allows anything says nothing in a union). */
function dropEmptyBranches(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) dropEmptyBranches(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  for (const key of ['anyOf', 'oneOf']) {
    const branches = obj[key];
    if (Array.isArray(branches)) obj[key] = branches.filter((b) => !(b && typeof b === 'object' && Object.keys(b).length === 0));
  }
  for (const value of Object.values(obj)) dropEmptyBranches(value);
}

/** Per route: the scope it needs, as a security requirement, an extension and a sentence. */
const transform: typeof jsonSchemaTransform = (input) => {
  const result = baseTransform(input);
  const scope = (input.route.config as { scope?: string } | undefined)?.scope;
  if (!scope || !result.schema) return result;
  const schema = { ...(result.schema as Record<string, unknown>) };
  const sentence = `Needs an API key with the \`${scope}\` scope (or higher).`;
  schema.description = typeof schema.description === 'string' && schema.description.length > 0 ? `${schema.description}\n\n${sentence}` : sentence;
  schema['x-required-scope'] = scope;
  if (!schema.security) schema.security = SECURITY;
  return { ...result, schema } as ReturnType<typeof jsonSchemaTransform>;
};

/** The error statuses an operation can answer, from what it takes and what it needs. */
export function errorStatusesOf(path: string, method: string, op: Operation): string[] {
  const statuses = new Set(Object.keys(op.responses ?? {}).filter((s) => Number(s) >= 400));
  const params = op.parameters ?? [];
  const hasPathParam = params.some((p) => p.in === 'path') || path.includes('{');
  if (params.length > 0 || op.requestBody || hasPathParam) statuses.add('400');
  if (op['x-required-scope']) {
    statuses.add('401');
    statuses.add('403');
  }
  if (hasPathParam) {
    statuses.add('404');
    statuses.add('414');
  }
  if (op.requestBody) {
    statuses.add('413');
    statuses.add('415');
  }
  if (path.startsWith('/v1/imports') && method !== 'get') statuses.add('507');
  statuses.add('500');
  statuses.add('503');
  return [...statuses].sort();
}

const CSV_MEDIA_TYPE = 'text/csv';
const CSV_CONTENT = { schema: { type: 'string', description: 'With `format=csv`: RFC 4180 CSV with a header row, sent as an attachment' } };

/** An operation whose `format` query parameter offers `csv` answers text/csv as well as JSON. */
function offersCsv(op: Operation): boolean {
  return (op.parameters ?? []).some((p) => {
    const param = p as { in?: string; name?: string; schema?: { enum?: unknown[] } };
    return param.in === 'query' && param.name === 'format' && (param.schema?.enum ?? []).includes('csv');
  });
}

/** Whole document: every error response is problem+json with the Problem schema. */
const transformObject: typeof jsonSchemaTransformObject = (input) => {
  const document = baseTransformObject(input) as { paths?: Record<string, Record<string, Operation>> };
  dropEmptyBranches(document);
  const problem = { schema: { $ref: '#/components/schemas/Problem' } };
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const responses = { ...(op.responses ?? {}) };
      if (offersCsv(op) && responses['200']) {
        const ok = responses['200'];
        responses['200'] = { ...ok, content: { ...(ok.content ?? {}), [CSV_MEDIA_TYPE]: CSV_CONTENT } };
      }
      for (const status of errorStatusesOf(path, method, op)) {
        responses[status] = { description: ERROR_DESCRIPTIONS[status] ?? 'Error', content: { [PROBLEM_MEDIA_TYPE]: problem } };
      }
      op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  return document as ReturnType<typeof jsonSchemaTransformObject>;
};

export const openapiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'influence-graph',
          version: API_VERSION,
          description:
            'Keeps a brand’s customer social graph in Neo4j and turns it into ranked, explainable answers: super users, advocates and detractors, paths, communities and campaign seeds. Every error is `application/problem+json` (the Problem schema) with a stable `code`; each operation lists the errors it can answer and the scope its key needs (`x-required-scope`).',
        },
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <api key>' },
            apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          },
        },
      },
      transform,
      transformObject,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
