/**
 * Resolves and compiles the embedded Neo4j launcher ahead of time (CI, or a first start offline
 * later); with --gds, also resolves the Graph Data Science plugin jars.
 */
import { ensureGdsPlugins, ensureLauncherBuilt, gdsPluginsPresent, launcherIsBuilt } from '../src/neo4j/embedded.js';

ensureLauncherBuilt();
console.log(launcherIsBuilt() ? 'Neo4j launcher ready.' : 'Neo4j launcher is not built.');
if (process.argv.includes('--gds')) {
  ensureGdsPlugins();
  console.log(gdsPluginsPresent() ? 'Graph Data Science plugins ready.' : 'Graph Data Science plugins are missing.');
}
