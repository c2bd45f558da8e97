/**
 * Starts one ephemeral Neo4j for the whole integration run, the same way the product starts it,
 * or uses the database named by NEO4J_TEST_URI (with NEO4J_TEST_USER / NEO4J_TEST_PASSWORD).
 * The Graph Data Science library is loaded when its jars are present (`npm run neo4j:setup:gds`,
 * which CI runs); tests that need it ask the database (`gds.version()`).
 */
import type { TestProject } from 'vitest/node';
import { gdsPluginsPresent, startEmbeddedNeo4j } from '../src/neo4j/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    neo4j: { uri: string; user: string; password: string };
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.NEO4J_TEST_URI) {
    project.provide('neo4j', {
      uri: process.env.NEO4J_TEST_URI,
      user: process.env.NEO4J_TEST_USER ?? 'neo4j',
      password: process.env.NEO4J_TEST_PASSWORD ?? 'influence-graph',
    });
    return undefined;
  }
  const started = Date.now();
  const password = 'test-password';
  const gds = gdsPluginsPresent();
  const neo4j = await startEmbeddedNeo4j({ ephemeral: true, port: 0, password, heap: '1g', pagecache: '256m', gds });
  console.log(
    `[global-setup] ephemeral Neo4j${gds ? ' with Graph Data Science' : ''} at ${neo4j.uri} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  project.provide('neo4j', { uri: neo4j.uri, user: 'neo4j', password });
  return async () => {
    await neo4j.stop();
  };
}
