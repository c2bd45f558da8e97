import { defineConfig } from 'vitest/config';

// Three projects: `unit` needs nothing but Node (pure algorithms, generator, schemas);
// `integration` talks to one real Neo4j started once for the whole run by test/global-setup.ts
// (or the database named by NEO4J_TEST_URI); `browser` drives the built dashboard in headless
// Chromium against the service on such a database.
export default defineConfig({
  test: {
    // In CI the results are also written as JUnit XML (test-results/junit.xml) for tools that read them,
    // and the log stays short enough to read whole: a line per test file (no list of the slower
    // tests under it) and the console output of failed tests only.
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'test-results/junit.xml' },
    ...(process.env.CI ? { slowTestThreshold: 600_000, silent: 'passed-only' as const } : {}),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/browser/build-web.ts', 'test/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
