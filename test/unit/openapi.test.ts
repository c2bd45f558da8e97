import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { OPENAPI_FILE, renderOpenApi } from '../../scripts/openapi.js';

describe('openapi.yaml', () => {
  it('equals the document generated from the route schemas (run `npm run openapi` when this fails)', async () => {
    const generated = await renderOpenApi();
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(generated);
  });

  it('is an OpenAPI 3.1 document with paths, security schemes and the problem schema', async () => {
    const doc = YAML.parse(await renderOpenApi());
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/ready');
    expect(doc.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
    expect(JSON.stringify(doc.components.schemas)).toContain('Problem');
    for (const [path, item] of Object.entries<Record<string, { responses?: object }>>(doc.paths)) {
      for (const op of Object.values(item)) expect(op.responses, path).toBeDefined();
    }
  });
});
