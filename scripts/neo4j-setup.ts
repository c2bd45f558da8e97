/** Resolves and compiles the embedded Neo4j launcher ahead of time (CI, or a first start offline later). */
import { ensureLauncherBuilt, launcherIsBuilt } from '../src/neo4j/embedded.js';

ensureLauncherBuilt();
console.log(launcherIsBuilt() ? 'Neo4j launcher ready.' : 'Neo4j launcher is not built.');
