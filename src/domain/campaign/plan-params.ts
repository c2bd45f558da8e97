/**
 * What a campaign plan asks for: how many seeds (k) or what budget, for which brand, under which
 * diffusion model and activation-probability rule, with which algorithm and constraints. One zod
 * schema, shared by the HTTP route, the CLI and the service; defaults are resolved here.
 */
import { z } from 'zod';

/** A customer property that holds a cost: a plain property name (it is read as c[$name]). */
const AttributeName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a property name: letters, digits and _');
const CustomerId = z.string().min(1).max(128);

export const ProbabilityRuleSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('interactions'),
      halfSaturation: z.number().positive().max(1e6).optional().describe('Decayed interaction volume at which p reaches half of max'),
      tieFloor: z.number().min(0).max(1).optional().describe('Probability a FOLLOWS/KNOWS tie carries at least'),
      max: z.number().min(0).max(1).optional().describe('Probability ceiling'),
    }),
    z.object({ kind: z.literal('constant'), p: z.number().min(0).max(1) }),
    z.object({ kind: z.literal('weighted-cascade').describe('p = 1 / number of people the target listens to') }),
  ])
  .meta({ id: 'ProbabilityRule' });

export const PlanConstraintsSchema = z
  .object({
    excludeDetractors: z.boolean().default(true).describe('Detractors of the brand are never seeds'),
    overexposure: z.number().min(0).max(10).default(0).describe('λ: each expected detractor reached costs λ people reached'),
    community: z.number().int().min(0).optional().describe('Seeds only from this community'),
    segment: z.string().max(50).optional(),
    region: z.string().max(50).optional(),
    topic: z.string().max(128).optional().describe('Seeds only among customers who posted about this topic'),
    include: z.array(CustomerId).max(1000).default([]).describe('Customers who are seeds whatever the algorithm picks (first, counted in k or budget)'),
    exclude: z.array(CustomerId).max(100_000).default([]).describe('Customers who are never seeds'),
  })
  .strict();

export const CampaignPlanParamsSchema = z
  .object({
    k: z.number().int().min(1).max(1000).optional().describe('Number of seeds (default 10 when no budget is given)'),
    budget: z.number().positive().optional().describe('Total cost the seeds may take, with costAttribute'),
    costAttribute: AttributeName.optional().describe('Customer property holding each customer’s cost; customers without one are not candidates'),
    brand: z.string().min(1).max(128).optional().describe('Brand whose detractors are avoided (default: the primary brand, first by id)'),
    model: z.enum(['ic', 'lt']).default('ic').describe('Independent cascade or linear threshold'),
    probability: ProbabilityRuleSchema.default({ kind: 'interactions' }),
    algorithm: z.enum(['imm', 'celf']).default('imm').describe('IMM (reverse influence sampling) or greedy Monte-Carlo with CELF (small graphs)'),
    epsilon: z.number().min(0.01).max(1).optional().describe('IMM approximation slack ε'),
    ell: z.number().min(0.1).max(10).optional().describe('IMM confidence: holds with probability 1 − n^−ℓ'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1).describe('Random seed: the same seed gives the same plan'),
    simulations: z.number().int().min(100).max(20_000).default(1000).describe('Independent forward simulations behind each reported reach'),
    constraints: PlanConstraintsSchema.default({ excludeDetractors: true, overexposure: 0, include: [], exclude: [] }),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.budget !== undefined && p.costAttribute === undefined) {
      ctx.addIssue({ code: 'custom', path: ['costAttribute'], message: 'a budget needs costAttribute (the customer property holding the cost)' });
    }
    if (p.budget !== undefined && p.k !== undefined) ctx.addIssue({ code: 'custom', path: ['budget'], message: 'give k or budget, not both' });
  })
  .meta({ id: 'CampaignPlanParams' });

export type CampaignPlanParams = z.infer<typeof CampaignPlanParamsSchema>;
export type ProbabilityRuleParams = z.infer<typeof ProbabilityRuleSchema>;

export const DEFAULT_PLAN_K = 10;
