/** Pure validation of real-world rows: integer ids, epoch times, offsets, merge patches, upload scrubbing. */
import { describe, expect, it } from 'vitest';
import { csvRecordToRow } from '../../../src/domain/csv-rows.js';
import { mentionsCustomer } from '../../../src/domain/import.service.js';
import { mergePatch, validateRows } from '../../../src/domain/ingest.service.js';
import { EPOCH_MS_THRESHOLD, epochToIso, offsetMinutes } from '../../../src/domain/model.js';

describe('row validation of real data', () => {
  it('keeps integer ids as their decimal text, and refuses fractions and unsafe integers', () => {
    const { rows, problems } = validateRows('ties', [{ from: 7, to: '8', kind: 'FOLLOWS' }, { from: 1.5, to: 2 ** 60, kind: 'FOLLOWS' }]);
    expect(rows).toEqual([{ from: '7', to: '8', kind: 'FOLLOWS', weight: 1 }]);
    expect(problems.map((p) => p.path)).toEqual([
      ['body', 1, 'from'],
      ['body', 1, 'to'],
    ]);
  });

  it('reads epoch numbers below 1e11 as seconds and from 1e11 as milliseconds', () => {
    expect(epochToIso(1_600_000_000)).toBe('2020-09-13T12:26:40.000Z');
    expect(epochToIso(1_600_000_000_123)).toBe('2020-09-13T12:26:40.123Z');
    expect(epochToIso(EPOCH_MS_THRESHOLD - 1)).toBe(new Date((EPOCH_MS_THRESHOLD - 1) * 1000).toISOString());
    expect(epochToIso(EPOCH_MS_THRESHOLD)).toBe('1973-03-03T09:46:40.000Z');
    const { problems } = validateRows('customers', [{ id: 'a', createdAt: -1 }, { id: 'b', createdAt: 1e20 }]);
    expect(problems.map((p) => p.path)).toEqual([
      ['body', 0, 'createdAt'],
      ['body', 1, 'createdAt'],
    ]);
  });

  it('refuses UTC offsets beyond ±18:00 and accepts the edges', () => {
    expect(offsetMinutes('2020-01-01T00:00:00+23:00')).toBe(23 * 60);
    expect(offsetMinutes('2020-01-01T00:00:00Z')).toBe(0);
    const { rows, problems } = validateRows('customers', [
      { id: 'a', createdAt: '2020-01-01T00:00:00+23:00' },
      { id: 'b', createdAt: '2020-01-01T00:00:00-18:00' },
      { id: 'c', createdAt: '2020-01-01T00:00:00+18:00' },
      { id: 'd', createdAt: '2020-01-01T00:00:00-18:01' },
    ]);
    expect(rows.map((r) => r.id)).toEqual(['b', 'c']);
    expect(problems.map((p) => p.path)).toEqual([
      ['body', 0, 'createdAt'],
      ['body', 3, 'createdAt'],
    ]);
  });

  it('derives the same event id for the same instant given as text or epoch', () => {
    const { rows } = validateRows('interactions', [
      { from: 'a', to: 'b', kind: 'reply', at: 1_700_000_000 },
      { from: 'a', to: 'b', kind: 'reply', at: '2023-11-14T23:13:20+01:00' },
    ]);
    expect(rows[0].id).toBe(rows[1].id);
  });

  it('applies RFC 7396 merge patches', () => {
    // Examples from RFC 7396, appendix A.
    expect(mergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(mergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(mergePatch({ a: 'b', b: 'c' }, { a: null })).toEqual({ b: 'c' });
    expect(mergePatch({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(mergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  it('finds the upload lines that mention a customer', () => {
    expect(mentionsCustomer('customers', '{"id":"zed"}', 'zed')).toBe(true);
    expect(mentionsCustomer('customers', '{"id":"a","name":"zed"}', 'zed')).toBe(false);
    expect(mentionsCustomer('ties', '{"from":7,"to":"8","kind":"KNOWS"}', '7')).toBe(true);
    expect(mentionsCustomer('engagements', '{"customerId":"a","targetKind":"brand","targetId":"zed"}', 'zed')).toBe(false);
    expect(mentionsCustomer('ties', '{not json zed', 'zed')).toBe(true);
    expect(mentionsCustomer('ties', '{"from":"a","to":"b"}', 'zed')).toBe(false);
  });

  it('reads digits in CSV time columns as epoch numbers', () => {
    expect(csvRecordToRow('interactions', { from: 'a', to: 'b', at: '1700000000', count: '2' })).toEqual({ from: 'a', to: 'b', at: 1_700_000_000, count: 2 });
  });
});
