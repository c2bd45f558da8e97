/**
 * Configuration: one zod schema over the environment, read once at boot. A bad value stops the
 * start with a message that names the variable. Every variable is documented in .env.example.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const memorySize = z.string().regex(/^\d+[kmg]$/i, 'a size such as 512m or 2g');

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyEntry {
  name: string;
  scope: Scope;
  /** sha256 of the key, lower-case hex. The key itself is never kept in memory. */
  hash: string;
}

/** API_KEYS: comma-separated `name:scope:sha256hex` entries. */
const apiKeys = z
  .string()
  .transform((text, ctx): ApiKeyEntry[] => {
    const entries: ApiKeyEntry[] = [];
    for (const [i, raw] of text.split(',').map((s) => s.trim()).filter(Boolean).entries()) {
      const [name, scope, hash] = raw.split(':');
      if (!name || !scope || !hash || !(SCOPES as readonly string[]).includes(scope) || !/^[0-9a-f]{64}$/.test(hash)) {
        ctx.addIssue({
          code: 'custom',
          message: `entry ${i + 1} must be name:scope:sha256hex with scope one of ${SCOPES.join(', ')}`,
        });
        return z.NEVER;
      }
      entries.push({ name, scope: scope as Scope, hash });
    }
    return entries;
  });

export const ConfigSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),

  NEO4J_URI: z
    .string()
    .regex(/^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^\s]+$/, 'a bolt:// or neo4j:// URI')
    .optional(),
  NEO4J_USER: z.string().min(1).default('neo4j'),
  NEO4J_PASSWORD: z.string().min(8, 'at least 8 characters').default('influence-graph'),
  NEO4J_DATABASE: z.string().min(1).optional(),
  NEO4J_BOLT_PORT: z.coerce.number().int().min(1).max(65535).default(7687),
  /**
   * Heap of the embedded Neo4j. Default 1g (2g with NEO4J_GDS, whose graphs live on the heap): the
   * publication writes in bounded batches and the projection streams, so the database's own work
   * needs no more at any base size (heap in use at most 754 MB in a 1M-customer run).
   */
  NEO4J_HEAP: memorySize.optional(),
  NEO4J_PAGECACHE: memorySize.default('512m'),
  /** Load the Graph Data Science library into the embedded Neo4j (jars from `npm run neo4j:setup:gds`). */
  NEO4J_GDS: booleanFromEnv.default(false),

  API_KEYS: apiKeys.optional(),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(16 * 1024 * 1024),
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).default(2 * 1024 * 1024 * 1024),
  IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(10_000),
  /** Hours the upload of a failed, interrupted or cancelled import is kept for a resume (finished imports' uploads are deleted at once). */
  IMPORT_RETENTION_HOURS: z.coerce.number().min(0).max(24 * 365).default(72),
  BULK_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(10_000),

  DEMO_DATA: booleanFromEnv.default(true),
  DEMO_CUSTOMERS: z.coerce.number().int().min(100).max(100_000).default(3000),
  ANALYTICS_PUBLISH_BATCH: z.coerce.number().int().min(1).max(100_000).default(10_000),
  ANALYTICS_KEEP_RUNS: z.coerce.number().int().min(1).max(1000).default(10),
  /** Engine of a run that names none: in-process (the service's worker thread), gds (Neo4j Graph Data Science) or auto. */
  ANALYTICS_ENGINE: z.enum(['in-process', 'gds', 'auto']).default('auto'),
  /** `auto` picks GDS, when the database has it, from this many customers on. */
  GDS_AUTO_MIN_CUSTOMERS: z.coerce.number().int().min(0).default(50_000),
  /** A GDS run whose largest memory estimate exceeds this many MiB is refused (0: the database's free heap decides). */
  GDS_MAX_MEMORY_MB: z.coerce.number().int().min(0).default(0),
  /**
   * Threads an analytics run's scoring keeps busy: from 2 on, closeness and harmonic run in a second
   * worker thread beside degree, PageRank and betweenness (same results). Default: 2 when the
   * machine has two cores or more, else 1.
   */
  ANALYTICS_THREADS: z.coerce.number().int().min(1).max(2).default(Math.min(2, availableParallelism())),
  /**
   * After a start, read a sample of the projection once in the background (the first run after the
   * database starts then does not pay for warming its projection path up; a run that starts stops it).
   */
  ANALYTICS_WARM_UP: booleanFromEnv.default(true),
  /** The run lease lasts this long without renewal (renewed every third of it); a dead holder blocks runs at most this long. */
  ANALYTICS_LEASE_TTL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** Graceful stop: the process exits after this long even if something hangs. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Event-loop pressure guard: 503 with Retry-After above these limits (0 turns a check off). */
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(2_000),
  PRESSURE_MAX_HEAP_USED_BYTES: z.coerce.number().int().min(0).default(0),
  PRESSURE_MAX_RSS_BYTES: z.coerce.number().int().min(0).default(0),
});

/** The embedded Neo4j's heap when NEO4J_HEAP is not set: without and with Graph Data Science. */
export const DEFAULT_NEO4J_HEAP = { plain: '1g', gds: '2g' } as const;

export type Config = Omit<z.infer<typeof ConfigSchema>, 'NEO4J_HEAP'> & { NEO4J_HEAP: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; empty strings count as unset. Throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  return { ...parsed.data, NEO4J_HEAP: parsed.data.NEO4J_HEAP ?? DEFAULT_NEO4J_HEAP[parsed.data.NEO4J_GDS ? 'gds' : 'plain'] };
}
