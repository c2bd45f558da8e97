/**
 * Why each hop of a path carries a voice: for every (speaker, listener) pair, the relationships
 * that make the listener listen to the speaker — listener FOLLOWS speaker, a KNOWS either way,
 * listener INTERACTED with speaker — with the tie weights, the interaction counts and their
 * average sentiment, and whether either customer has opted out. All pairs in one query.
 */
import { HOP_RELATIONSHIPS, type HopDetailsSource, type HopFacts, type HopPair, type HopRelationship } from '../domain/paths.service.js';
import type { GraphDatabase } from './database.js';
import { plain } from './mappers.js';

const HOP_DETAILS = `
UNWIND $pairs AS p
MATCH (a:Customer {id: p.listener})
MATCH (b:Customer {id: p.speaker})
OPTIONAL MATCH (a)-[r:FOLLOWS|KNOWS|INTERACTED]-(b)
WHERE type(r) = 'KNOWS' OR startNode(r) = a
WITH p, a, b, r, type(r) IN ['FOLLOWS', 'KNOWS'] AS isTie
RETURN p.speaker AS speaker, p.listener AS listener,
       coalesce(b.optedOut, false) AS speakerOptedOut,
       coalesce(a.optedOut, false) AS listenerOptedOut,
       collect(DISTINCT type(r)) AS kinds,
       count(CASE WHEN isTie THEN r END) AS ties,
       sum(CASE WHEN isTie THEN toFloat(coalesce(r.weight, 1.0)) ELSE 0.0 END) AS tieWeight,
       sum(CASE WHEN type(r) = 'INTERACTED' THEN coalesce(r.count, 1) ELSE 0 END) AS interactions,
       avg(CASE WHEN type(r) = 'INTERACTED' THEN toFloat(coalesce(r.sentiment, 0.0)) END) AS sentiment`;

export class Neo4jHopDetailsRepository implements HopDetailsSource {
  constructor(private readonly db: GraphDatabase) {}

  async hopDetails(pairs: HopPair[]): Promise<(HopFacts | undefined)[]> {
    if (pairs.length === 0) return [];
    const result = await this.db.read((tx) =>
      tx.run(HOP_DETAILS, { pairs: pairs.map(({ speaker, listener }) => ({ speaker, listener })) }),
    );
    const byPair = new Map<string, HopFacts>();
    for (const r of result.records) {
      const kinds = (r.get('kinds') as string[]).filter((k): k is HopRelationship => (HOP_RELATIONSHIPS as readonly string[]).includes(k));
      const ties = plain(r.get('ties')) as number;
      const sentiment = plain(r.get('sentiment')) as number | null;
      byPair.set(`${r.get('speaker') as string}\u0000${r.get('listener') as string}`, {
        kinds,
        tieWeight: ties > 0 ? (plain(r.get('tieWeight')) as number) : null,
        interactions: plain(r.get('interactions')) as number,
        sentiment,
        speakerOptedOut: r.get('speakerOptedOut') === true,
        listenerOptedOut: r.get('listenerOptedOut') === true,
      });
    }
    return pairs.map((p) => byPair.get(`${p.speaker}\u0000${p.listener}`));
  }
}
