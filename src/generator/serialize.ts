/**
 * NDJSON lines for the bulky kinds, written out by hand: the same text as JSON.stringify
 * (same key order, same number formatting) at about twice the speed. Only fields whose values
 * come from the generator's own id, enum and timestamp formats skip escaping; anything else
 * goes through JSON.stringify. A unit test checks equality with JSON.stringify on every row.
 */
import type { ContentRow, DatasetKind, DatasetRows, EngagementRow, InteractionRow, RatingRow, TieRow } from './types.js';

function tie(r: TieRow): string {
  return `{"from":"${r.from}","to":"${r.to}","kind":"${r.kind}","since":"${r.since}","weight":${r.weight}}`;
}

function interaction(r: InteractionRow): string {
  return `{"id":"${r.id}","from":"${r.from}","to":"${r.to}","kind":"${r.kind}","at":"${r.at}","count":${r.count},"sentiment":${r.sentiment}}`;
}

function engagement(r: EngagementRow): string {
  return `{"id":"${r.id}","customerId":"${r.customerId}","targetKind":"${r.targetKind}","targetId":"${r.targetId}","kind":"${r.kind}","at":"${r.at}","sentiment":${r.sentiment},"channel":"${r.channel}"}`;
}

function rating(r: RatingRow): string {
  return `{"id":"${r.id}","customerId":"${r.customerId}","brandId":"${r.brandId}","score":${r.score},"at":"${r.at}"}`;
}

function content(r: ContentRow): string {
  let s = `{"id":"${r.id}","authorId":"${r.authorId}","kind":"${r.kind}","createdAt":"${r.createdAt}","sentiment":${r.sentiment},"topicIds":[`;
  for (let t = 0; t < r.topicIds.length; t++) s += t === 0 ? `"${r.topicIds[t]}"` : `,"${r.topicIds[t]}"`;
  s += ']';
  if (r.brandId !== undefined) s += `,"brandId":"${r.brandId}"`;
  if (r.productId !== undefined) s += `,"productId":"${r.productId}"`;
  return `${s}}`;
}

const FAST: { [K in DatasetKind]?: (row: DatasetRows[K]) => string } = {
  ties: tie,
  interactions: interaction,
  engagements: engagement,
  ratings: rating,
  content,
};

/** One row as JSON text (no trailing newline). */
export function serializerFor<K extends DatasetKind>(kind: K): (row: DatasetRows[K]) => string {
  return (FAST[kind] as ((row: DatasetRows[K]) => string) | undefined) ?? ((row) => JSON.stringify(row));
}
