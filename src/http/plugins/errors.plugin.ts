/**
 * One error model for the whole API: every failure is answered as application/problem+json with a
 * stable code, a message safe to show and, for validation, each problem's path. Unknown errors are
 * logged and answered 500 without their text; database messages are never echoed.
 */
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type Problem } from '../../domain/errors.js';
import type { ProblemBody } from '../schemas/common.schemas.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function problemBody(error: AppError): ProblemBody {
  const body: ProblemBody = {
    type: `https://influence-graph.dev/problems/${error.code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    code: error.code,
    detail: error.message,
  };
  if (error.retriable) body.retriable = true;
  if (error.problems.length > 0) body.errors = error.problems;
  return body;
}

export function sendProblem(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.status === 503) reply.header('retry-after', '5');
  return reply.status(error.status).type('application/problem+json').send(problemBody(error));
}

/** Maps anything thrown in a request onto an AppError. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = (error as FastifyError).validationContext ?? 'request';
    const problems: Problem[] = error.validation.map((issue) => {
      const params = issue.params as { issue?: { path?: PropertyKey[]; message?: string; code?: string } };
      const inner = params.issue;
      const path = (inner?.path ?? issue.instancePath.split('/').filter(Boolean)).map((p) =>
        typeof p === 'number' ? p : /^\d+$/.test(String(p)) ? Number(p) : String(p),
      );
      return { path: [part, ...path], message: inner?.message ?? issue.message ?? 'invalid', code: inner?.code ?? issue.keyword };
    });
    return new AppError('VALIDATION_FAILED', 400, `The ${part} is invalid: ${problems.length} problem(s)`, { problems });
  }
  const fe = error as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 413, 'The request body is larger than this endpoint accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'The content type of the request is not supported here');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('INVALID_JSON', 400, 'The request body is not valid JSON');
    default:
      break;
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('BAD_REQUEST', fe.statusCode, fe.message ?? 'Bad request');
  }
  return new AppError('INTERNAL', 500, 'Internal error', { cause: error });
}

export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error, request, reply) => {
      if (isResponseSerializationError(error)) {
        request.log.error({ err: error, issues: error.cause.issues }, 'response does not match its schema');
        return sendProblem(reply, new AppError('INTERNAL', 500, 'Internal error'));
      }
      const appError = toAppError(error);
      if (appError.status >= 500) request.log.error({ err: appError.cause ?? error }, appError.message);
      return sendProblem(reply, appError);
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, new AppError('ROUTE_NOT_FOUND', 404, `No route ${request.method} ${request.url.split('?')[0]}`)),
    );
  },
  { name: 'errors' },
);
