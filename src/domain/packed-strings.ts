/**
 * A column of optional strings packed as one string and the end offset of each entry, to cross
 * between threads: structured cloning 100,000 short strings costs the receiving thread tens of
 * milliseconds (one string object each), one long string is a single copy. Unpacking takes a
 * substring per entry (cheap: a slice of the packed string).
 */
export interface PackedStrings {
  text: string;
  /** Entry i is text[ends[i - 1] .. ends[i]) (from 0 for the first). */
  ends: Uint32Array;
  /** 1 where the entry is null. */
  nulls: Uint8Array;
}

export function packStrings(values: readonly (string | null)[]): PackedStrings {
  const n = values.length;
  const ends = new Uint32Array(n);
  const nulls = new Uint8Array(n);
  const parts: string[] = new Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls[i] = 1;
      parts[i] = '';
    } else {
      parts[i] = v;
      at += v.length;
    }
    ends[i] = at;
  }
  return { text: parts.join(''), ends, nulls };
}

export function unpackStrings({ text, ends, nulls }: PackedStrings): (string | null)[] {
  const n = ends.length;
  const values: (string | null)[] = new Array(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = ends[i];
    values[i] = nulls[i] ? null : text.slice(start, end);
    start = end;
  }
  return values;
}

/** Lists of strings (a customer's topics each) packed the same way: every entry one after the other, and each list's length. */
export interface PackedLists {
  entries: PackedStrings;
  counts: Uint32Array;
}

export function packLists(lists: readonly (readonly string[])[]): PackedLists {
  const counts = new Uint32Array(lists.length);
  const flat: string[] = [];
  for (let i = 0; i < lists.length; i++) {
    counts[i] = lists[i].length;
    for (const x of lists[i]) flat.push(x);
  }
  return { entries: packStrings(flat), counts };
}

/**
 * The lists back. A thread serving requests passes `turn` (nextTurn), awaited every 25,000 lists
 * so that it is not held; a worker computing on them needs none.
 */
export async function unpackLists(packed: PackedLists, turn?: () => Promise<void>): Promise<string[][]> {
  const entries = unpackStrings(packed.entries) as string[];
  const lists: string[][] = new Array(packed.counts.length);
  for (let i = 0, at = 0; i < lists.length; i++) {
    if (turn && i % 25_000 === 24_999) await turn();
    lists[i] = entries.slice(at, at + packed.counts[i]);
    at += packed.counts[i];
  }
  return lists;
}

/** A turn of the event loop: what a thread serving requests awaits between slices of long work. */
export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
