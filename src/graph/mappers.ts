/** Maps driver values onto plain JSON-able data: integers to numbers, temporal values to ISO strings. */
import neo4j from 'neo4j-driver';

export function plain(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (neo4j.isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (typeof value === 'bigint') return Number(value);
  if (
    neo4j.isDateTime(value) ||
    neo4j.isDate(value) ||
    neo4j.isLocalDateTime(value) ||
    neo4j.isTime(value) ||
    neo4j.isLocalTime(value) ||
    neo4j.isDuration(value)
  ) {
    const text = String(value);
    if (neo4j.isDateTime(value)) return new Date(text.replace(/\[.*\]$/, '')).toISOString();
    return text;
  }
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const v = value as { labels?: unknown; properties?: unknown; identity?: unknown };
    if (v.identity !== undefined && v.properties !== undefined) return plain(v.properties);
    const out: Record<string, unknown> = {};
    for (const [k, inner] of Object.entries(value as object)) out[k] = plain(inner);
    return out;
  }
  return value;
}

/** A stored entity's properties as the API shows them: attributes parsed back from their JSON text. */
export function entityProperties(properties: unknown): Record<string, unknown> {
  const out = plain(properties) as Record<string, unknown>;
  if (typeof out.attributes === 'string') {
    try {
      out.attributes = JSON.parse(out.attributes);
    } catch {
      // leave a value that is not JSON as it is
    }
  }
  for (const key of Object.keys(out)) if (out[key] === null) delete out[key];
  return out;
}
