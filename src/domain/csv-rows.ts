/**
 * Turns CSV records (header names = field names) into rows of a kind: numbers, booleans and lists
 * are converted by field name, a time field holding only digits becomes an epoch number (seconds
 * or milliseconds, as the schema reads it), `attributes.<name>` columns become the attributes map,
 * and empty cells are left out. Validation itself stays with the kind's schema.
 */
import type { KindName } from './model.js';

const NUMBER_FIELDS = new Set(['weight', 'count', 'sentiment', 'score']);
const BOOLEAN_FIELDS = new Set(['optedOut']);
const LIST_FIELDS = new Set(['topicIds']);
const TIME_FIELDS = new Set(['createdAt', 'startsAt', 'endsAt', 'at', 'since']);

function convert(field: string, text: string): unknown {
  if (NUMBER_FIELDS.has(field)) {
    const n = Number(text);
    return Number.isFinite(n) && text.trim() !== '' ? n : text;
  }
  if (BOOLEAN_FIELDS.has(field)) {
    const t = text.trim().toLowerCase();
    return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : text;
  }
  if (LIST_FIELDS.has(field)) return text.split(/[;|]/).map((s) => s.trim()).filter(Boolean);
  if (TIME_FIELDS.has(field) && /^\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  return text;
}

function attributeValue(text: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

export function csvRecordToRow(_kind: KindName, record: Record<string, string>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(record)) {
    if (raw === undefined || raw === '') continue;
    if (column.startsWith('attributes.')) {
      const attributes = (row.attributes ??= {}) as Record<string, unknown>;
      attributes[column.slice('attributes.'.length)] = attributeValue(raw);
    } else row[column] = convert(column, raw);
  }
  return row;
}
