/**
 * Generates openapi.yaml from the route schemas (`--write`) or fails when the committed file has
 * drifted from them (`--check`). The document is built from the same app the service runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { ApiKeyRegistry } from '../src/domain/api-keys.js';
import { GraphDatabase } from '../src/graph/database.js';

export const OPENAPI_FILE = fileURLToPath(new URL('../openapi.yaml', import.meta.url));

/** The OpenAPI document as YAML text. Builds the app without connecting to any database. */
export async function renderOpenApi(): Promise<string> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const db = new GraphDatabase({ uri: 'bolt://127.0.0.1:1', user: 'neo4j', password: 'unused-password' });
  const app = await buildApp(config, { db, apiKeys: new ApiKeyRegistry([]), logger: false });
  await app.ready();
  const document = app.swagger();
  await app.close();
  await db.close();
  return YAML.stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await renderOpenApi();
  if (process.argv.includes('--check')) {
    const current = readFileSync(OPENAPI_FILE, 'utf8');
    if (current !== text) {
      console.error('openapi.yaml is out of date: run `npm run openapi`.');
      process.exit(1);
    }
    console.log('openapi.yaml matches the route schemas.');
  } else {
    writeFileSync(OPENAPI_FILE, text);
    console.log(`wrote ${OPENAPI_FILE}`);
  }
}
