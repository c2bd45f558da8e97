/** Contracts shared by every route: the problem document and the standard error responses. */
import { z } from 'zod';

export const ProblemSchema = z
  .object({
    type: z.string().describe('A URI naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('Stable UPPER_SNAKE error code'),
    detail: z.string().describe('What went wrong, safe to show'),
    retriable: z.boolean().optional(),
    errors: z
      .array(
        z.object({
          path: z.array(z.union([z.string(), z.number()])).describe('Where: e.g. ["body", 3, "sentiment"] for row 3'),
          message: z.string(),
          code: z.string().optional(),
        }),
      )
      .optional()
      .describe('For validation: each problem with its path (row, field)'),
  })
  .meta({ id: 'Problem' });

export type ProblemBody = z.infer<typeof ProblemSchema>;

const codes = [400, 401, 403, 404, 409, 413, 415, 503] as const;
type ErrorCode = (typeof codes)[number];

/** Error responses for a route's schema, e.g. errorResponses(400, 401, 403). */
export function errorResponses<C extends ErrorCode>(...statuses: C[]): Record<C, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema])) as Record<C, typeof ProblemSchema>;
}

/** Standard errors of every /v1 route: bad input, no key, wrong scope, database down. */
export const authedErrors = errorResponses(400, 401, 403, 503);

export const SECURITY: { [scheme: string]: string[] }[] = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

/**
 * Serializer for hot read routes (rankings, metrics): plain JSON.stringify. Their payloads are
 * built field by field by the domain services, and checking them against the zod response schema
 * on every response would cost more than the work itself (about 2 ms for 50 super users). The
 * schema still documents the response in OpenAPI and is checked by the tests. The JSON of the
 * last objects serialized is kept by identity: a service that answers the same object again (a
 * kept page of super users, never changed once answered) costs no second stringify.
 */
export const plainJsonSerializer = () => {
  const seen = new WeakMap<object, string>();
  return (data: unknown) => {
    if (data === null || typeof data !== 'object') return JSON.stringify(data);
    let json = seen.get(data);
    if (json === undefined) seen.set(data, (json = JSON.stringify(data)));
    return json;
  };
};
