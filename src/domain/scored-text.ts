/**
 * The text a scoring worker sends back with a run's scores (customer ids, participation tiers,
 * topics), packed: structured cloning 100k ids, 100k tiers and 100k topic lists cost the service's
 * thread a stall of over 100 ms when the scores arrived (a string or an array object each); packed,
 * they cross as a few strings and typed arrays, and are unpacked here a column per turn of the
 * event loop.
 */
import { packStrings, unpackStrings, type PackedStrings } from './packed-strings.js';
import type { Projection } from './projection.js';
import type { ParticipationTier } from './influence.js';
import type { ScoreSet } from './scoring.js';

export interface PackedScoredText {
  ids: PackedStrings;
  tiers: PackedStrings;
  /** Every customer's topics one after the other; topicCounts[i] of them are customer i's. */
  topicNames: PackedStrings;
  topicCounts: Uint32Array;
}

/** Packs the text of a scored projection and its results, and empties it there (it travels packed). */
export function packScoredText(projection: Projection, result: ScoreSet): PackedScoredText {
  const topics = result.text.topics;
  const counts = new Uint32Array(topics.length);
  const flat: string[] = [];
  for (let i = 0; i < topics.length; i++) {
    counts[i] = topics[i].length;
    for (const t of topics[i]) flat.push(t);
  }
  const packed = {
    ids: packStrings(projection.ids),
    tiers: packStrings(result.text.participationTier),
    topicNames: packStrings(flat),
    topicCounts: counts,
  };
  projection.ids = [];
  projection.topics = [];
  result.text = { participationTier: [], topics: [] };
  return packed;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Puts the packed text back into the projection and the results (the topics are one array, shared by both as scoring shares them). */
export async function unpackScoredText(packed: PackedScoredText, projection: Projection, result: ScoreSet): Promise<void> {
  projection.ids = unpackStrings(packed.ids) as string[];
  await turn();
  result.text.participationTier = unpackStrings(packed.tiers) as ParticipationTier[];
  await turn();
  const names = unpackStrings(packed.topicNames) as string[];
  const counts = packed.topicCounts;
  const topics: string[][] = new Array(counts.length);
  for (let i = 0, at = 0; i < counts.length; i++) {
    if (i % 25_000 === 24_999) await turn();
    topics[i] = names.slice(at, at + counts[i]);
    at += counts[i];
  }
  result.text.topics = topics;
  projection.topics = topics;
}
