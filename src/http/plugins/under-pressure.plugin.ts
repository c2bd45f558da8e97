/**
 * Event-loop pressure guard (@fastify/under-pressure): while the event-loop delay, the heap or
 * the resident memory is above its configured limit, new requests are answered 503 problem+json
 * (`UNDER_PRESSURE`, retriable, with Retry-After) instead of queueing up. /health stays exempt and
 * reports the pressure, so a supervisor can tell "busy" from "dead". A limit of 0 is no check.
 */
import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';

export interface PressureOptions {
  maxEventLoopDelayMs: number;
  maxHeapUsedBytes: number;
  maxRssBytes: number;
  /** Seconds a client should wait before retrying. */
  retryAfterSeconds?: number;
}

const EXEMPT = new Set(['/health']);

export const underPressurePlugin = fp(
  async (app: FastifyInstance, opts: PressureOptions) => {
    await app.register(underPressure, {
      maxEventLoopDelay: opts.maxEventLoopDelayMs,
      maxHeapUsedBytes: opts.maxHeapUsedBytes,
      maxRssBytes: opts.maxRssBytes,
      retryAfter: opts.retryAfterSeconds ?? 5,
      exposeStatusRoute: false,
      pressureHandler: async (request, reply, type, value) => {
        if (request.routeOptions.url !== undefined && EXEMPT.has(request.routeOptions.url)) return;
        request.log.warn({ pressure: type, value }, 'under pressure: request refused');
        reply.header('retry-after', String(opts.retryAfterSeconds ?? 5));
        throw new AppError('UNDER_PRESSURE', 503, 'The service is overloaded right now; try again shortly', { retriable: true });
      },
    });
  },
  { name: 'under-pressure', dependencies: ['errors'] },
);
