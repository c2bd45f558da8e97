/**
 * The local admin key of a fresh machine: when no API_KEYS are configured, `npm start` generates an
 * admin key once, keeps it in DATA_DIR/local-admin-key (mode 600, for the developer to read back)
 * and serves with its hash only.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ApiKeyEntry } from './config.js';
import { generateApiKey, hashApiKey } from './domain/api-keys.js';

export function localAdminKey(dataDir: string): { key: string; entry: ApiKeyEntry; created: boolean } {
  const file = path.join(dataDir, 'local-admin-key');
  let key: string;
  let created = false;
  if (existsSync(file)) key = readFileSync(file, 'utf8').trim();
  else {
    mkdirSync(dataDir, { recursive: true });
    key = generateApiKey();
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    created = true;
  }
  return { key, entry: { name: 'local-admin', scope: 'admin', hash: hashApiKey(key) }, created };
}
