import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validate } from '@readme/openapi-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { OPENAPI_FILE, renderOpenApi } from '../../scripts/openapi.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));
import { DEFAULT_LOUVAIN_SEED } from '../../src/analytics/louvain.js';
import { DEFAULT_BETWEENNESS_SEED } from '../../src/analytics/betweenness.js';
import { DEFAULT_PROJECTION } from '../../src/domain/projection.js';
import { RunParamsSchema } from '../../src/domain/scoring.js';
import { DEFAULT_STANCE_PARAMS } from '../../src/domain/stance.js';

type Response = { description?: string; content?: Record<string, { schema?: { $ref?: string } }> };
type Operation = {
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  security?: Record<string, string[]>[];
  description?: string;
  responses: Record<string, Response>;
  'x-required-scope'?: string;
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, { default?: unknown; properties?: Record<string, { default?: unknown; description?: string }> }> }>; securitySchemes: Record<string, { scheme?: string }> };
};

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

let text: string;
let doc: Doc;
const operations: { path: string; method: string; op: Operation }[] = [];

beforeAll(async () => {
  text = await renderOpenApi();
  doc = YAML.parse(text) as Doc;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) if (METHODS.has(method)) operations.push({ path, method, op });
  }
});

describe('openapi.yaml', () => {
  it('equals the document generated from the route schemas (run `npm run openapi` when this fails)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(text);
  });

  it('states every alternative the API accepts: integer ids and epoch timestamps beside their text forms', () => {
    const campaign = (doc.components.schemas.CampaignUpsertInput as unknown as { properties: Record<string, { anyOf?: { type?: string; maximum?: number }[] }> }).properties;
    expect(campaign.brandId.anyOf?.map((b) => b.type)).toEqual(['string', 'integer']);
    expect(campaign.endsAt.anyOf?.map((b) => b.type)).toEqual(['string', 'number']);
    expect(campaign.endsAt.anyOf?.[1].maximum).toBe(253_402_300_799_999);
    // no union anywhere keeps a branch that allows anything
    expect(text).not.toMatch(/anyOf:\n(\s+)- \{\}\n/);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(Object.keys(doc.paths)).toContain('/ready');
    expect(doc.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
  });

  it('documents every error as application/problem+json with the Problem schema', () => {
    expect(doc.components.schemas.Problem.properties).toHaveProperty('code');
    expect(operations.length).toBeGreaterThan(40);
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.responses['500'], where).toBeDefined();
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        expect(Object.keys(response.content ?? {}), `${where} ${status}`).toEqual(['application/problem+json']);
        expect(response.content!['application/problem+json'].schema?.$ref, `${where} ${status}`).toBe('#/components/schemas/Problem');
        expect(response.description, `${where} ${status}`).not.toBe('Default Response');
      }
    }
  });

  it('an operation that offers format=csv documents text/csv for its 200 answer', () => {
    const csv = operations.filter(({ op }) => (op.parameters ?? []).some((p) => p.in === 'query' && p.name === 'format'));
    expect(csv.map(({ method, path }) => `${method} ${path}`)).toContain('get /v1/super-users');
    for (const { path, method, op } of csv) {
      expect(Object.keys(op.responses['200'].content ?? {}), `${method.toUpperCase()} ${path}`).toEqual(['application/json', 'text/csv']);
    }
  });

  it('every /v1 operation names its scope and answers 401 and 403; input means 400, a path id 404', () => {
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      if (path.startsWith('/v1/')) {
        expect(['read', 'write', 'admin'], where).toContain(op['x-required-scope']);
        expect(op.description, where).toContain(`\`${op['x-required-scope']}\` scope`);
        expect(op.security, where).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
        expect(op.responses, where).toHaveProperty('401');
        expect(op.responses, where).toHaveProperty('403');
        expect(op.responses, where).toHaveProperty('503');
      }
      if ((op.parameters ?? []).length > 0 || op.requestBody) expect(op.responses, where).toHaveProperty('400');
      if (path.includes('{')) {
        expect(op.responses, where).toHaveProperty('404');
        expect(op.responses, where).toHaveProperty('414');
      }
      if (op.requestBody) {
        expect(op.responses, where).toHaveProperty('413');
        expect(op.responses, where).toHaveProperty('415');
      }
    }
    const health = doc.paths['/health'].get;
    expect(health['x-required-scope']).toBeUndefined();
    expect(health.responses).not.toHaveProperty('401');
  });

  it('documents the defaults the code uses', () => {
    const run = doc.components.schemas.RunParams.properties!;
    const projection = run.projection.properties!;
    expect(projection.interactionWeight.default).toBe(DEFAULT_PROJECTION.interactionWeight);
    expect(projection.halfLifeDays.default).toBe(DEFAULT_PROJECTION.halfLifeDays);
    // The projection is measured from the newest event stored, not from the current time.
    expect(projection.asOf.description).toMatch(/newest/);
    expect(projection.asOf.description).not.toMatch(/default now/);
    const stance = run.stance.properties!;
    for (const [key, value] of Object.entries(DEFAULT_STANCE_PARAMS)) expect(stance[key]?.default, `stance.${key}`).toBe(value);
    expect(run.seed.default).toBe(DEFAULT_LOUVAIN_SEED);
    expect(run.seed.default).toBe(DEFAULT_BETWEENNESS_SEED);
    // Every default in the document is what the schema fills in when the caller omits the field.
    const parsed = RunParamsSchema.parse({}) as unknown as Record<string, Record<string, unknown>>;
    for (const [group, schema] of Object.entries(run)) {
      if (schema.properties) {
        for (const [key, field] of Object.entries(schema.properties)) {
          if (field.default !== undefined) expect(parsed[group][key], `${group}.${key}`).toEqual(field.default);
        }
      } else if (schema.default !== undefined) expect(parsed[group], group).toEqual(schema.default);
    }
  });

  it('the README states the same run-parameter defaults as the document', () => {
    const run = doc.components.schemas.RunParams.properties!;
    const text = readFileSync(README, 'utf8');
    // e.g. "`pagerank.alpha` 0.85, `tol` 1e-9" or "`projection.halfLifeDays`, default 180".
    const mention = /`([a-zA-Z]+(?:\.[a-zA-Z]+)?)`,?\s+(?:default\s+)?(-?\d[\d.e-]*)/g;
    let group: string | undefined;
    const checked: string[] = [];
    for (const [, name, raw] of text.matchAll(mention)) {
      const value = Number(raw.replace(/\.+$/, ''));
      let path: [string, string?] | undefined;
      if (name.includes('.')) {
        const [g, k] = name.split('.');
        if (run[g]?.properties?.[k]) path = [g, k];
        group = path ? g : undefined;
      } else if (run[name]?.default !== undefined) path = [name];
      else if (group && run[group].properties?.[name]) path = [group, name];
      if (!path) continue;
      const documented = path[1] === undefined ? run[path[0]].default : run[path[0]].properties![path[1]].default;
      expect(value, `README: ${path.join('.')}`).toBe(documented);
      checked.push(path.join('.'));
    }
    expect(new Set(checked).size).toBeGreaterThanOrEqual(10);
  });
});
