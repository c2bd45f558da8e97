import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { hashApiKey } from '../../src/domain/api-keys.js';

describe('loadConfig', () => {
  it('gives defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.NEO4J_URI).toBeUndefined();
    expect(config.DEMO_DATA).toBe(true);
    expect(config.API_KEYS).toBeUndefined();
  });

  it('gives the embedded Neo4j 1g of heap, 2g with Graph Data Science, unless NEO4J_HEAP says otherwise', () => {
    expect(loadConfig({}).NEO4J_HEAP).toBe('1g');
    expect(loadConfig({ NEO4J_GDS: 'true' }).NEO4J_HEAP).toBe('2g');
    expect(loadConfig({ NEO4J_GDS: 'true', NEO4J_HEAP: '3g' }).NEO4J_HEAP).toBe('3g');
    expect(loadConfig({ NEO4J_HEAP: '' }).NEO4J_HEAP).toBe('1g');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', NEO4J_URI: '' }).PORT).toBe(3000);
  });

  it('names each bad variable', () => {
    try {
      loadConfig({ PORT: 'abc', NEO4J_URI: 'http://x', NEO4J_PASSWORD: 'short', DEMO_DATA: 'maybe' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      for (const name of ['PORT', 'NEO4J_URI', 'NEO4J_PASSWORD', 'DEMO_DATA']) expect(message).toContain(name);
    }
  });

  it('parses API keys as name:scope:sha256', () => {
    const hash = hashApiKey('secret');
    const config = loadConfig({ API_KEYS: `crm:write:${hash}, dash:read:${hash}` });
    expect(config.API_KEYS).toEqual([
      { name: 'crm', scope: 'write', hash },
      { name: 'dash', scope: 'read', hash },
    ]);
  });

  it('refuses a key entry with an unknown scope or a bad hash', () => {
    expect(() => loadConfig({ API_KEYS: `crm:owner:${hashApiKey('x')}` })).toThrow(/API_KEYS/);
    expect(() => loadConfig({ API_KEYS: 'crm:read:nothex' })).toThrow(/API_KEYS/);
  });

  it('accepts bolt and neo4j URIs with TLS variants', () => {
    expect(loadConfig({ NEO4J_URI: 'neo4j+s://db.example.com:7687' }).NEO4J_URI).toBe('neo4j+s://db.example.com:7687');
  });
});
