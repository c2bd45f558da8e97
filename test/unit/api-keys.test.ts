import { describe, expect, it } from 'vitest';
import { ApiKeyRegistry, generateApiKey, hashApiKey, scopeAllows } from '../../src/domain/api-keys.js';

describe('API keys', () => {
  it('authenticates by hash and never by a wrong key', () => {
    const registry = new ApiKeyRegistry([{ name: 'crm', scope: 'write', hash: hashApiKey('k1') }]);
    expect(registry.authenticate('k1')).toEqual({ name: 'crm', scope: 'write' });
    expect(registry.authenticate('k2')).toBeUndefined();
  });

  it('orders scopes admin ⊇ write ⊇ read', () => {
    expect(scopeAllows('admin', 'write')).toBe(true);
    expect(scopeAllows('write', 'read')).toBe(true);
    expect(scopeAllows('read', 'write')).toBe(false);
    expect(scopeAllows('write', 'admin')).toBe(false);
  });

  it('generates distinct, URL-safe keys', () => {
    const a = generateApiKey();
    expect(a).toMatch(/^ig_[A-Za-z0-9_-]{32}$/);
    expect(generateApiKey()).not.toBe(a);
  });
});
