import { describe, expect, it } from 'vitest';
import { decodeRankingCursor, encodeRankingCursor } from '../../../src/domain/ranking-cursor.js';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('ranking cursor', () => {
  it('carries the offset of the next page for its run and scope', () => {
    expect(decodeRankingCursor(encodeRankingCursor('run-1', 50), { runId: 'run-1', max: 100 })).toBe(50);
    expect(decodeRankingCursor(encodeRankingCursor('run-1', 20, 't03'), { runId: 'run-1', max: 100, scope: 't03' })).toBe(20);
  });

  it('is expired for another run and invalid for another scope', () => {
    expect(codeOf(() => decodeRankingCursor(encodeRankingCursor('run-1', 5), { runId: 'run-2', max: 100 }))).toBe('CURSOR_EXPIRED');
    expect(codeOf(() => decodeRankingCursor(encodeRankingCursor('run-1', 5, 't01'), { runId: 'run-1', max: 100, scope: 't03' }))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => decodeRankingCursor(encodeRankingCursor('run-1', 5, 't01'), { runId: 'run-1', max: 100 }))).toBe('VALIDATION_FAILED');
  });

  it('refuses offsets it never issues, in every scope', () => {
    for (const scope of [undefined, 't03']) {
      for (const o of [-5, 1.5, 101, 1e300]) {
        expect(codeOf(() => decodeRankingCursor(raw({ r: 'run-1', t: scope, o }), { runId: 'run-1', max: 100, scope }))).toBe('VALIDATION_FAILED');
      }
    }
    expect(codeOf(() => decodeRankingCursor('not-json', { runId: 'run-1', max: 100 }))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => decodeRankingCursor(raw(null), { runId: 'run-1', max: 100 }))).toBe('VALIDATION_FAILED');
  });
});
