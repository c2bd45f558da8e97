/**
 * The layer rule of the codebase (see README, "Architecture"):
 *   analytics/  pure algorithms: graph libraries and domain types only
 *   domain/     use cases and types: no HTTP, no database driver
 *   graph/      the only place that imports neo4j-driver
 *   http/       Fastify routes and plugins: call domain services, never repositories
 *   app.ts      the composition root: the only module that wires concrete pieces together
 */
module.exports = {
  forbidden: [
    {
      name: 'analytics-is-pure',
      severity: 'error',
      comment: 'src/analytics may import only graph libraries and domain types',
      from: { path: '^src/analytics/' },
      to: {
        pathNot: ['^src/analytics/', '^src/domain/', '^node_modules/graphology', '^node_modules/obliterator', '^node_modules/mnemonist', '^node_modules/pandemonium', '^node_modules/events'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'domain-has-no-infrastructure',
      severity: 'error',
      comment: 'src/domain never imports HTTP, the database driver or the repositories',
      from: { path: '^src/domain/' },
      to: { path: ['^src/http/', '^src/graph/', '^src/neo4j/', '^src/app\\.ts$', 'node_modules/(neo4j-driver|fastify)'] },
    },
    {
      name: 'driver-only-in-graph',
      severity: 'error',
      comment: 'only src/graph imports neo4j-driver',
      from: { path: '^src/', pathNot: '^src/graph/' },
      to: { path: 'node_modules/neo4j-driver' },
    },
    {
      name: 'routes-call-services',
      severity: 'error',
      comment: 'src/http calls domain services, never repositories or the launcher',
      from: { path: '^src/http/' },
      to: { path: ['^src/graph/', '^src/neo4j/', '^src/app\\.ts$'] },
    },
    {
      name: 'graph-has-no-http',
      severity: 'error',
      from: { path: '^src/graph/' },
      to: { path: ['^src/http/', '^src/app\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The worker bundles built beside their sources at run time (src/domain/worker-entry.ts).
    exclude: { path: '\\.bundle\\.mjs$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
