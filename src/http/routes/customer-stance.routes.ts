/**
 * A customer's stance toward each brand explained: the current stance from the last completed run,
 * the evidence behind it with each item's weight and contribution, and the stance in each kept run.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CustomerStanceService } from '../../domain/customer-stance.service.js';
import { STANCE_CLASSES } from '../../domain/scoring.js';
import { authedErrors, errorResponses, SECURITY } from '../schemas/common.schemas.js';
import { IdParamsSchema } from '../schemas/data.schemas.js';

const EvidenceItemSchema = z
  .object({
    kind: z.enum(['rating', 'engagement', 'content']).describe('An NPS answer, an engagement, or a post about the brand'),
    id: z.string().nullable().describe('The event id (ratings, engagements) or the content id'),
    at: z.string().describe('When it happened'),
    value: z.number().describe('The NPS answer (0..10) or the sentiment (−1..1, 0 = none recorded)'),
    engagementKind: z.string().optional(),
    target: z.object({ kind: z.string(), id: z.string().nullable() }).optional().describe('What the engagement was with'),
    ageDays: z.number().describe('Days between the item and the run’s as-of date'),
    signal: z.number().describe('The item’s signal in [−1, 1]'),
    weight: z.number().describe('type weight × 2^(−age / half-life) (× supersededFactor per later NPS answer)'),
    contribution: z.number().describe('weight × signal / total weight: the items’ contributions sum to the stance score'),
    explanation: z.string(),
  })
  .meta({ id: 'StanceEvidenceItem' });

const BrandStanceSchema = z
  .object({
    brand: z.string(),
    current: z.object({
      stance: z.enum(STANCE_CLASSES),
      score: z.number().nullable().describe('The run’s stance score in [−1, 1]; null when unknown'),
      confidence: z.number().describe('1 − e^(−W/3) for the total evidence weight W'),
      latestNps: z.number().int().nullable(),
      npsClass: z.enum(['promoter', 'passive', 'detractor']).nullable(),
      positive: z.number().int().describe('Evidence items with a positive signal'),
      negative: z.number().int(),
      neutral: z.number().int(),
    }),
    evidence: z.object({
      items: z.array(EvidenceItemSchema).describe('Every item the stance weighs (dated at or before the run’s as-of date), newest first'),
      totalWeight: z.number(),
      contributionSum: z.number().describe('Σ contribution: the stance score the items give'),
      matchesRun: z.boolean().describe('True when the items reproduce the run’s stance and score (false when evidence dated before the as-of date changed since the run)'),
      laterEvidence: z.number().int().describe('Items dated after the run’s as-of date, counted by the next run'),
    }),
    history: z
      .array(
        z.object({
          runId: z.string(),
          finishedAt: z.string(),
          stance: z.enum(STANCE_CLASSES),
          score: z.number().nullable(),
          latestNps: z.number().int().nullable(),
        }),
      )
      .describe('The stance in each kept completed run, newest first'),
  })
  .meta({ id: 'CustomerBrandStance' });

export const CustomerStanceSchema = z
  .object({
    customerId: z.string(),
    name: z.string().nullable(),
    runId: z.string(),
    computedAt: z.string(),
    asOf: z.string().nullable().describe('The date the run’s stance was computed for'),
    params: z.object({
      halfLifeDays: z.number(),
      npsWeight: z.number(),
      engagementWeight: z.number(),
      contentWeight: z.number(),
      advocateThreshold: z.number(),
      detractorThreshold: z.number(),
      minEvidence: z.number(),
      supersededFactor: z.number(),
    }),
    brands: z.array(BrandStanceSchema),
  })
  .meta({ id: 'CustomerStance' });

export const customerStanceRoutes: FastifyPluginAsyncZod<{ customerStance: CustomerStanceService }> = async (app, opts) => {
  app.get(
    '/customers/:id/stance',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['stance'],
        summary: 'A customer’s stance toward each brand, the evidence behind it with each item’s contribution, and its history over runs',
        description:
          'From the last completed analytics run: the stance (advocate, passive, detractor, unknown), score, confidence and latest NPS per brand; every piece of evidence the stance weighs (NPS answers, engagements, posts about the brand) with its signal, weight and contribution computed with the run’s stance parameters and as-of date — the contributions sum to the score; and the stance, score and latest NPS in each kept completed run. `brand` limits the answer to one brand (default: every brand the run scored). An erased customer is not found (404); one who opted out answers 409.',
        security: SECURITY,
        params: IdParamsSchema,
        querystring: z.object({ brand: z.string().min(1).max(128).optional().describe('One brand id (default: every brand scored)') }),
        response: {
          200: CustomerStanceSchema,
          ...authedErrors,
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) => opts.customerStance.get(request.params.id, request.query.brand),
  );
};
