/**
 * API keys: callers present a key; only its sha256 is configured and compared (in constant time).
 * Scopes are levels: admin ⊇ write ⊇ read.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyEntry, Scope } from '../config.js';

const LEVEL: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export const generateApiKey = (): string => `ig_${randomBytes(24).toString('base64url')}`;

export const scopeAllows = (granted: Scope, needed: Scope): boolean => LEVEL[granted] >= LEVEL[needed];

export interface Principal {
  name: string;
  scope: Scope;
}

export class ApiKeyRegistry {
  private readonly entries: { name: string; scope: Scope; hash: Buffer }[];

  constructor(entries: ApiKeyEntry[]) {
    this.entries = entries.map((e) => ({ name: e.name, scope: e.scope, hash: Buffer.from(e.hash, 'hex') }));
  }

  /** The principal a key belongs to, or undefined. */
  authenticate(key: string): Principal | undefined {
    const presented = Buffer.from(hashApiKey(key), 'hex');
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.hash, presented)) found = { name: entry.name, scope: entry.scope };
    }
    return found;
  }
}
