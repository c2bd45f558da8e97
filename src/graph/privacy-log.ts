/**
 * The privacy log: one (:PrivacyEvent {seq, kind, customerId | customerKey, at}) per erasure or
 * opt-out change, numbered by the counter on the single (:PrivacyLog {id: 'privacy'}) node, so
 * every process serving the read model can apply the changes made by another one (the CLI, a
 * second replica) within its poll interval. An erasure records only a SHA-256 key of the id, never
 * the id itself. Events older than the retention are pruned on each append; a reader that finds a
 * gap in the numbers reloads its read model from the database instead.
 */
import type { PrivacyChange, PrivacyEvent } from '../domain/snapshot.service.js';
import { int, type GraphDatabase, type Tx } from './database.js';
import { plain } from './mappers.js';

/** How long events are kept: far longer than any poll interval. */
export const PRIVACY_LOG_RETENTION_MS = 60 * 60 * 1000;

// The first SET takes the log node's write lock before its counter is read, so two concurrent
// appends never draw the same numbers (the unique constraint on PrivacyEvent.seq backs this up).
const APPEND = `
MERGE (l:PrivacyLog {id: 'privacy'})
SET l.lockedAt = datetime()
WITH l
SET l.seq = coalesce(l.seq, 0) + size($events)
WITH l, l.seq - size($events) AS base
UNWIND range(0, size($events) - 1) AS i
CREATE (:PrivacyEvent {seq: base + i + 1, kind: $events[i].kind, customerId: $events[i].customerId,
                       customerKey: $events[i].customerKey, at: datetime()})
RETURN max(base + i + 1) AS seq`;

const PRUNE = `
MATCH (e:PrivacyEvent) WHERE e.at < datetime() - duration({milliseconds: $retentionMs})
DELETE e`;

const HEAD = `OPTIONAL MATCH (l:PrivacyLog {id: 'privacy'}) RETURN coalesce(l.seq, 0) AS seq`;

const AFTER = `
MATCH (e:PrivacyEvent) WHERE e.seq > $after
RETURN e.seq AS seq, e.kind AS kind, e.customerId AS customerId, e.customerKey AS customerKey
ORDER BY seq LIMIT $limit`;

/** Appends events inside the caller's write transaction; returns the number of the last one. */
export async function appendPrivacyEvents(tx: Tx, changes: PrivacyChange[]): Promise<number> {
  if (changes.length === 0) return 0;
  const events = changes.map((c) => ({
    kind: c.kind,
    customerId: 'customerId' in c ? c.customerId : null,
    customerKey: 'customerKey' in c ? c.customerKey : null,
  }));
  const result = await tx.run(APPEND, { events });
  await tx.run(PRUNE, { retentionMs: int(PRIVACY_LOG_RETENTION_MS) });
  return plain(result.records[0]?.get('seq')) as number;
}

export async function privacyHead(db: GraphDatabase): Promise<number> {
  const result = await db.read((tx) => tx.run(HEAD));
  return (plain(result.records[0]?.get('seq')) as number | null) ?? 0;
}

/** The head of the log and the events after `after`, oldest first (at most `limit`). */
export async function privacyEventsAfter(db: GraphDatabase, after: number, limit = 10_000): Promise<{ head: number; events: PrivacyEvent[] }> {
  return db.read(async (tx) => {
    const head = (plain((await tx.run(HEAD)).records[0]?.get('seq')) as number | null) ?? 0;
    if (head <= after) return { head, events: [] };
    const result = await tx.run(AFTER, { after: int(after), limit: int(limit) });
    const events = result.records.map((r): PrivacyEvent => {
      const seq = plain(r.get('seq')) as number;
      const kind = r.get('kind') as PrivacyEvent['kind'];
      return kind === 'erase'
        ? { seq, kind, customerKey: r.get('customerKey') as string }
        : { seq, kind, customerId: r.get('customerId') as string };
    });
    return { head, events };
  });
}
