/** Applies cypher/schema/*.cypher (constraints and indexes, all IF NOT EXISTS) in file order. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { GraphDatabase } from './database.js';

const SCHEMA_DIR = fileURLToPath(new URL('../../cypher/schema/', import.meta.url));

/** The statements of the schema folder: comments dropped, split on semicolons. */
export function schemaStatements(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cypher'))
    .sort()
    .flatMap((file) =>
      readFileSync(path.join(dir, file), 'utf8')
        .split('\n')
        .filter((line) => !line.trim().startsWith('//'))
        .join('\n')
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean),
    );
}

export async function applySchema(db: GraphDatabase): Promise<void> {
  for (const statement of schemaStatements()) await db.autoCommit(statement);
  await db.autoCommit('CALL db.awaitIndexes(60)');
}
