/**
 * The cursor of a ranked list read from an analytics run's snapshot (super users and the lists
 * built on them, topic experts): the run it belongs to, an optional scope (the topic), and the
 * offset of the next page. A cursor from an older run is 409 CURSOR_EXPIRED; anything this API
 * never issues — not base64url JSON, another scope, an offset that is negative, fractional or past
 * the end — is 400 naming `query.cursor`.
 */
import { AppError } from './errors.js';

interface Cursor {
  r: string;
  t?: string;
  o: number;
}

export const encodeRankingCursor = (runId: string, offset: number, scope?: string): string =>
  Buffer.from(JSON.stringify(scope === undefined ? { r: runId, o: offset } : { r: runId, t: scope, o: offset })).toString('base64url');

const invalid = (message: string) =>
  new AppError('VALIDATION_FAILED', 400, 'The cursor is not valid', { problems: [{ path: ['query', 'cursor'], message, code: 'invalid_cursor' }] });

/** The offset a cursor carries: a whole number from 0 to `max`. */
export function decodeRankingCursor(cursor: string, expected: { runId: string; max: number; scope?: string }): number {
  let parsed: Partial<Cursor> = {};
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    // handled below
  }
  if (parsed === null || typeof parsed !== 'object' || typeof parsed.o !== 'number' || typeof parsed.r !== 'string' || parsed.t !== expected.scope) {
    throw invalid(expected.scope === undefined ? 'not a cursor this API returned' : 'not a cursor this API returned for this list');
  }
  if (parsed.r !== expected.runId) {
    throw new AppError('CURSOR_EXPIRED', 409, 'A newer analytics run has completed since this cursor was issued; start again from the first page');
  }
  if (!Number.isSafeInteger(parsed.o) || parsed.o < 0 || parsed.o > expected.max) throw invalid('the cursor carries an offset this API never issues');
  return parsed.o;
}
