/**
 * One error model for the whole API: every failure is answered as application/problem+json with a
 * stable code, a message safe to show and, for validation, each problem's path. Unknown errors are
 * logged and answered 500 without their text; database messages are never echoed. The framework's
 * own errors — a URL that is not valid percent-encoding, a path parameter too long (414), headers
 * too large (431, from Node's HTTP parser), an unknown route — take the same shape, and a full or
 * read-only disk is a retriable 507.
 */
import fp from 'fastify-plugin';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type Problem } from '../../domain/errors.js';
import type { ProblemBody } from '../schemas/common.schemas.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  507: 'Insufficient Storage',
};

/** File-system error codes that mean "the disk cannot take this write now": full, read-only, denied, over quota. */
const STORAGE_ERROR_CODES = new Set(['ENOSPC', 'EROFS', 'EACCES', 'EDQUOT']);

/** The storage error code of an error or of any error in its cause chain. */
export function storageErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && STORAGE_ERROR_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

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
  if (error.status === 503 || error.status === 507) reply.header('retry-after', '5');
  return reply.status(error.status).type('application/problem+json').send(problemBody(error));
}

/** Maps anything thrown in a request onto an AppError. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) {
    if (error.status < 500 || error.status === 507) return error;
  }
  const storage = storageErrorCode(error);
  if (storage) {
    return new AppError('INSUFFICIENT_STORAGE', 507, `The server cannot write to its storage right now (${storage}); try again later`, {
      retriable: true,
      cause: error,
    });
  }
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
    case 'FST_ERR_BAD_URL':
      return new AppError('BAD_URL', 400, 'The URL is not valid: a path segment is not proper percent-encoding');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('URI_TOO_LONG', 414, 'A path parameter is longer than this endpoint accepts');
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

/**
 * Fastify's `frameworkErrors` option: errors raised before routing (bad percent-encoding, a path
 * parameter too long) answered like every other error.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const appError = toAppError(error);
  if (appError.status >= 500) request.log.error({ err: error }, appError.message);
  void sendProblem(reply, appError);
}

/**
 * Fastify's `clientErrorHandler` option: requests Node's HTTP parser refuses before Fastify sees
 * them (headers too large → 431, malformed request line or header → 400, too slow → 408), answered
 * as problem+json on the raw socket, which is then closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let appError: AppError;
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    appError = new AppError('HEADERS_TOO_LARGE', 431, 'The request headers are larger than the server accepts');
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    appError = new AppError('REQUEST_TIMEOUT', 408, 'The request was not received in time', { retriable: true });
  } else {
    appError = new AppError('MALFORMED_REQUEST', 400, 'The request is not valid HTTP');
  }
  if (socket.writable) {
    const body = JSON.stringify(problemBody(appError));
    socket.write(
      `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status] ?? 'Error'}\r\n` +
        `Content-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
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
