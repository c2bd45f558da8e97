/**
 * The composition root: builds the Fastify app from configuration and concrete dependencies.
 * It never listens (src/main.ts does), so tests and the OpenAPI script build the same app.
 */
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { ApiKeyRegistry } from './domain/api-keys.js';
import { ReadinessService } from './domain/readiness.service.js';
import type { GraphDatabase } from './graph/database.js';
import { applySchema } from './graph/schema.repository.js';
import { migrateRunResults } from './graph/run-results.js';
import { authPlugin } from './http/plugins/auth.plugin.js';
import { clientErrorHandler, errorsPlugin, frameworkErrors } from './http/plugins/errors.plugin.js';
import { lifecyclePlugin } from './http/plugins/lifecycle.plugin.js';
import { requestId, requestIdPlugin } from './http/plugins/request-id.plugin.js';
import { underPressurePlugin } from './http/plugins/under-pressure.plugin.js';
import { openapiPlugin } from './http/plugins/openapi.plugin.js';
import { inputPlugin } from './http/plugins/input.plugin.js';
import { healthRoutes } from './http/routes/health.routes.js';
import { meRoutes } from './http/routes/me.routes.js';
import { entitiesRoutes } from './http/routes/entities.routes.js';
import { importsRoutes } from './http/routes/imports.routes.js';
import { analyticsRoutes } from './http/routes/analytics.routes.js';
import { AnalyticsRunService, type Logger } from './domain/analytics-run.service.js';
import { Neo4jAnalyticsRunRepository } from './graph/analytics-run.repository.js';
import { WorkerProjectionSource } from './graph/projection-worker.runner.js';
import { warmthInWorker } from './domain/warmth-worker.runner.js';
import { prepareWorkerBundles } from './domain/worker-entry.js';
import { GdsEngine } from './graph/gds-engine.js';
import { WorkerSnapshotRepository } from './graph/details-worker.runner.js';
import { loadSocialProofInWorker } from './graph/social-proof-worker.runner.js';
import { Neo4jSocialProofRepository } from './graph/social-proof.repository.js';
import { InsightsService } from './domain/insights.service.js';
import { SnapshotService } from './domain/snapshot.service.js';
import { SocialProofService } from './domain/social-proof.service.js';
import { SuperUsersService } from './domain/super-users.service.js';
import { insightsRoutes } from './http/routes/insights.routes.js';
import { stanceRoutes } from './http/routes/stance.routes.js';
import { pathsRoutes } from './http/routes/paths.routes.js';
import { PathsService } from './domain/paths.service.js';
import { Neo4jHopDetailsRepository } from './graph/hop-details.repository.js';
import { StanceInsightsService } from './domain/stance-insights.service.js';
import { EntityService } from './domain/entity.service.js';
import { ImportService } from './domain/import.service.js';
import { IngestService } from './domain/ingest.service.js';
import { Neo4jEntityRepository } from './graph/entity.repository.js';
import { Neo4jImportJobRepository } from './graph/import-job.repository.js';
import { Neo4jIngestRepository } from './graph/ingest.repository.js';
import { observeCustomerWrites } from './domain/customer-writes.js';
import { CampaignPlanService } from './domain/campaign/campaign-plan.service.js';
import { InfluencerListService } from './domain/influencer-list.service.js';
import { TopicExpertsService } from './domain/topic-experts.service.js';
import { Neo4jCampaignPlanRepository } from './graph/campaign-plan.repository.js';
import { Neo4jInfluencerListRepository } from './graph/influencer-list.repository.js';
import { Neo4jTopicExpertsRepository } from './graph/topic-experts.repository.js';
import { campaignsRoutes } from './http/routes/campaigns.routes.js';
import { influencerListsRoutes } from './http/routes/influencer-lists.routes.js';
import { topicsRoutes } from './http/routes/topics.routes.js';
import { staticPlugin } from './http/plugins/static.plugin.js';
import { mapRoutes } from './http/routes/map.routes.js';
import { LayoutService } from './domain/layout.service.js';
import { Neo4jLayoutRepository } from './graph/layout.repository.js';
import { customerStanceRoutes } from './http/routes/customer-stance.routes.js';
import { CustomerStanceService } from './domain/customer-stance.service.js';
import { Neo4jCustomerStanceRepository } from './graph/customer-stance.repository.js';

/** The longest id the entity schemas accept (src/domain/model.ts). */
const MAX_ID_LENGTH = 128;

export interface AppDependencies {
  db: GraphDatabase;
  apiKeys: ApiKeyRegistry;
  /** Pino options, or false for no request logging (tests). */
  logger?: boolean | Record<string, unknown>;
  /** A pino logger made before the app (src/main.ts), used instead of `logger`. */
  loggerInstance?: FastifyBaseLogger;
}

export async function buildApp(config: Config, deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.loggerInstance ? { loggerInstance: deps.loggerInstance } : { logger: deps.logger ?? { level: config.LOG_LEVEL } }),
    // The caller's x-request-id when it is a sane token, a fresh one otherwise (echoed back).
    requestIdHeader: false,
    genReqId: requestId,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Path parameters are measured percent-encoded: the longest id the schema accepts (128 UTF-16
    // units, each at most 3 UTF-8 bytes = 9 encoded characters) must fit.
    routerOptions: { maxParamLength: MAX_ID_LENGTH * 9 },
    // Errors raised before routing, and requests Node's parser refuses, answer problem+json too.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const readiness = new ReadinessService({
    ping: () => deps.db.ping(),
    applySchema: async () => {
      await applySchema(deps.db);
      await migrateRunResults(deps.db);
    },
    unavailableReason: () => deps.db.unavailableReason(),
  });

  const services = buildServices(config, deps.db, app.log);
  // Plans being computed end `interrupted` (stored) when the app closes.
  app.addHook('onClose', async () => services.campaignPlans.park());
  // The service computes the community map's layout once per run, right after the run is published.
  services.runs.onCompleted((run) => services.layouts.precompute(run.id));
  app.addHook('onClose', async () => services.layouts.close());

  await app.register(errorsPlugin);
  await app.register(inputPlugin);
  await app.register(requestIdPlugin);
  await app.register(underPressurePlugin, {
    maxEventLoopDelayMs: config.PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
    maxHeapUsedBytes: config.PRESSURE_MAX_HEAP_USED_BYTES,
    maxRssBytes: config.PRESSURE_MAX_RSS_BYTES,
  });
  await app.register(lifecyclePlugin, {
    runs: services.runs,
    imports: services.imports,
    readiness,
    background: [services.snapshots],
    // Half the grace period, so that closing the driver and the database still fits in it.
    parkTimeoutMs: Math.floor(config.SHUTDOWN_GRACE_MS / 2),
  });
  await app.register(openapiPlugin);
  await app.register(authPlugin, { keys: deps.apiKeys });
  await app.register(healthRoutes, { readiness });
  await app.register(staticPlugin, { root: fileURLToPath(new URL('../dist/web', import.meta.url)) });
  await app.register(
    async (v1) => {
      await v1.register(meRoutes);
      await v1.register(entitiesRoutes, { ingest: services.ingest, entities: services.entities });
      await v1.register(importsRoutes, { imports: services.imports });
      await v1.register(analyticsRoutes, { runs: services.runs });
      await v1.register(insightsRoutes, { superUsers: services.superUsers, insights: services.insights, socialProof: services.socialProof });
      await v1.register(stanceRoutes, { stance: services.stance });
      await v1.register(customerStanceRoutes, { customerStance: services.customerStance });
      await v1.register(pathsRoutes, { paths: services.paths });
      await v1.register(campaignsRoutes, { plans: services.campaignPlans });
      await v1.register(influencerListsRoutes, { lists: services.influencerLists });
      await v1.register(topicsRoutes, { experts: services.topicExperts });
      await v1.register(mapRoutes, { layouts: services.layouts });
    },
    { prefix: '/v1' },
  );

  app.decorate('readiness', readiness);
  app.decorate('services', services);
  return app;
}

/** The domain services on their Neo4j repositories; also used by the CLI. */
export function buildServices(config: Config, db: GraphDatabase, logger?: Logger) {
  // Read in a worker thread: decoding a large base's records would otherwise hold up requests.
  const projections = new WorkerProjectionSource(db);
  const runs = new AnalyticsRunService(
    projections,
    new Neo4jAnalyticsRunRepository(db, config.ANALYTICS_PUBLISH_BATCH),
    {
      keepRuns: config.ANALYTICS_KEEP_RUNS,
      leaseTtlMs: config.ANALYTICS_LEASE_TTL_MS,
      threads: config.ANALYTICS_THREADS,
      logger,
      engines: {
        default: config.ANALYTICS_ENGINE,
        autoMinCustomers: config.GDS_AUTO_MIN_CUSTOMERS,
        gds: new GdsEngine(db, { maxMemoryMb: config.GDS_MAX_MEMORY_MB }),
      },
    },
  );
  // Run from sources, the worker threads load bundles built now, in the background (worker-entry.ts).
  void prepareWorkerBundles();
  // The customers' details are read in a worker thread (details-worker.ts).
  const snapshotRepository = new WorkerSnapshotRepository(db);
  const snapshots = new SnapshotService(snapshotRepository, projections, warmthInWorker);
  // The customers' details are read while the publication writes; the read model adopts the run at its flip.
  snapshots.followRuns(runs);
  const superUsers = new SuperUsersService(snapshots);
  const layouts = new LayoutService(snapshots, new Neo4jLayoutRepository(db), { logger });
  // Privacy takes effect at once: opt-out changes written by any path, and erasures.
  const ingestRepository = observeCustomerWrites(new Neo4jIngestRepository(db), (rows) => snapshots.customersWritten(rows));
  const entities = new EntityService(new Neo4jEntityRepository(db));
  const imports = new ImportService(ingestRepository, new Neo4jImportJobRepository(db), config.DATA_DIR, config.IMPORT_MAX_BYTES, {
    batchSize: config.IMPORT_BATCH_SIZE,
    retentionHours: config.IMPORT_RETENTION_HOURS,
    logger,
  });
  entities.onErased((id) => snapshots.forget([id]));
  // Social proof answers from memory of the last run's ties and engagements, reloaded in the background when a run completes.
  // Its memory of each run is loaded in a worker thread (social-proof-worker.ts).
  const socialProof = new SocialProofService(new Neo4jSocialProofRepository(db), snapshots, (runId) => loadSocialProofInWorker(db, runId));
  runs.onCompleted(() => void socialProof.refresh().catch(() => undefined));
  const campaignPlans = new CampaignPlanService(snapshots, new Neo4jCampaignPlanRepository(db), undefined, logger);
  const influencerLists = new InfluencerListService(new Neo4jInfluencerListRepository(db), snapshots, campaignPlans);
  // Customers who opt out leave every influencer list.
  observeCustomerWrites(ingestRepository, (rows) => influencerLists.customersWritten(rows));
  entities.onErased(async (id) => {
    await imports.forgetCustomer(id);
  });
  return {
    ingest: new IngestService(ingestRepository, config.BULK_MAX_ROWS),
    runs,
    snapshots,
    superUsers,
    insights: new InsightsService(snapshots, superUsers),
    stance: new StanceInsightsService(snapshots, superUsers, snapshotRepository),
    customerStance: new CustomerStanceService(snapshots, new Neo4jCustomerStanceRepository(db)),
    paths: new PathsService(snapshots, new Neo4jHopDetailsRepository(db)),
    socialProof,
    entities,
    imports,
    campaignPlans,
    influencerLists,
    topicExperts: new TopicExpertsService(snapshots, new Neo4jTopicExpertsRepository(db)),
    layouts,
  };
}

export type Services = ReturnType<typeof buildServices>;

declare module 'fastify' {
  interface FastifyInstance {
    readiness: ReadinessService;
    services: Services;
  }
}
