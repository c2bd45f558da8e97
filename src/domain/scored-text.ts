/**
 * The text a scoring worker sends back with a run's scores (participation tiers, topics), packed:
 * structured cloning 100k tiers and 100k topic lists cost the service's thread a stall of over
 * 100 ms when the scores arrived (a string or an array object each); packed, they cross as a few
 * strings and typed arrays, and are unpacked here a column per turn of the event loop. The customer
 * ids do not travel back: the calling thread kept its own (the same, in the same order).
 */
import type { ParticipationTier } from './influence.js';
import { nextTurn, packLists, packStrings, unpackLists, unpackStrings, type PackedLists, type PackedStrings } from './packed-strings.js';
import type { Projection } from './projection.js';
import type { ScoreSet } from './scoring.js';

export interface PackedScoredText {
  tiers: PackedStrings;
  topics: PackedLists;
}

/** Packs the text of a scored projection and its results, and empties it there (it travels packed). */
export function packScoredText(projection: Projection, result: ScoreSet): PackedScoredText {
  const packed = {
    tiers: packStrings(result.text.participationTier),
    topics: packLists(result.text.topics),
  };
  projection.ids = [];
  projection.topics = [];
  projection.packedText = undefined;
  result.text = { participationTier: [], topics: [] };
  return packed;
}

/**
 * Puts the packed text back into the projection and the results (the topics are one array, shared by
 * both as scoring shares them), and the calling thread's own `ids` into the projection.
 */
export async function unpackScoredText(packed: PackedScoredText, ids: string[], projection: Projection, result: ScoreSet): Promise<void> {
  projection.ids = ids;
  result.text.participationTier = unpackStrings(packed.tiers) as ParticipationTier[];
  await nextTurn();
  const topics = await unpackLists(packed.topics, nextTurn);
  result.text.topics = topics;
  projection.topics = topics;
}
