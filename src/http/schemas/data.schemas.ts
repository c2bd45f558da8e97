/** Contracts of the data routes: write results, entity views, pages, import jobs. */
import { z } from 'zod';
import { IMPORT_STATUSES } from '../../domain/import.service.js';
import { KIND_NAMES } from '../../domain/model.js';

const ProblemItemSchema = z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string(), code: z.string().optional() });

export const WriteResultSchema = z
  .object({
    received: z.number().int().describe('Rows in the request'),
    created: z.number().int().describe('Nodes (entities) or relationships (events, ties) that did not exist before'),
    updated: z.number().int().describe('Rows that matched something already stored'),
    skipped: z
      .array(z.object({ row: z.number().int().describe('Index of the row in the request'), errors: z.array(ProblemItemSchema) }))
      .optional()
      .describe('With onInvalid=skip: every row left out, with its problems'),
  })
  .meta({ id: 'WriteResult' });

export const EntityViewSchema = z
  .object({
    properties: z.record(z.string(), z.unknown()),
    counts: z.record(z.string(), z.object({ in: z.number().int(), out: z.number().int() })).describe('Relationships by type and direction'),
    ties: z
      .array(
        z.object({
          type: z.string(),
          direction: z.enum(['in', 'out']),
          other: z.object({ label: z.string(), id: z.string() }),
          properties: z.record(z.string(), z.unknown()),
        }),
      )
      .describe('Up to 100 relationships, strongest first'),
  })
  .meta({ id: 'EntityView' });

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional().describe('Absent on the last page') });

export const IdParamsSchema = z.object({ id: z.string().min(1).max(128) });

export const ImportJobSchema = z
  .object({
    id: z.string(),
    kind: z.enum(KIND_NAMES),
    status: z.enum(IMPORT_STATUSES),
    createdAt: z.string(),
    finishedAt: z.string().optional(),
    bytesTotal: z.number().int(),
    bytesRead: z.number().int(),
    rowsTotal: z.number().int(),
    rowsWritten: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    rowsPerSecond: z.number().optional(),
    errorCount: z.number().int(),
    errors: z.array(ProblemItemSchema),
    message: z.string().optional(),
    onInvalid: z.enum(['reject', 'skip']).optional(),
    rowsSkipped: z.number().int().optional().describe('Lines left out (onInvalid=skip)'),
  })
  .meta({ id: 'ImportJob' });
