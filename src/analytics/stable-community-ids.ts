/**
 * Stable community ids across runs: map a new partition's labels onto the ids of the previous
 * run, so that a community that is "the same" keeps its id.
 *
 * Rule: a new community C inherits the previous id P when strictly more than half of C's members
 * (all members, including nodes that had no previous id) had P in the previous run. Several new
 * communities may claim the same P (P split in two halves plus strays cannot, but a P whose
 * members formed two communities each mostly of P can); candidates are granted greedily by
 * overlap size — largest overlap first, ties by smaller new label — and each previous id is
 * granted at most once. Every other community gets a fresh id, counting up from one above the
 * largest id ever used (max of `usedIds` and of the previous labels; 0 when there is none), in
 * order of new label. Pure: no input is modified.
 *
 * Cost: O(n + c log c) time for n nodes and c communities (Boyer–Moore majority vote per
 * community finds the only possible >50 % previous id in two passes), O(n + c) memory.
 *
 * Reference: R. S. Boyer and J S. Moore, "MJRTY — a fast majority vote algorithm" (1981); the
 * matching rule is ours, in the spirit of community tracking by maximal overlap (D. Greene,
 * D. Doyle, P. Cunningham, "Tracking the evolution of communities in dynamic social networks",
 * ASONAM 2010).
 */

import { InvalidArgumentError } from './errors.js';

export interface StableIdsResult {
  /** Stable id of each node. */
  ids: Int32Array;
  /** Stable id of each new community label. */
  idOfCommunity: Int32Array;
  /** Communities that kept a previous id. */
  kept: number;
  /** Communities given a fresh id. */
  created: number;
  /** Largest id ever used, including this run's fresh ids (−1 when no id exists at all). */
  maxUsedId: number;
}

/**
 * @param communities new label of each node, integers 0..count−1 (e.g. LouvainResult.communities)
 * @param previous node index → community id in the previous run (nodes absent had none;
 *   indices outside 0..n−1 — customers gone since — are ignored)
 * @param usedIds every id ever handed out (ids of vanished communities are never reused)
 */
export function stableCommunityIds(
  communities: Int32Array,
  previous: ReadonlyMap<number, number>,
  usedIds: Iterable<number> = [],
): StableIdsResult {
  const n = communities.length;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = communities[i];
    if (!(c >= 0)) throw new InvalidArgumentError(`node ${i} has community label ${c}`);
    if (c + 1 > count) count = c + 1;
  }
  let maxId = -1;
  const checkId = (id: number, what: string): void => {
    if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
      throw new InvalidArgumentError(`${what} ${id} is not an integer id in 0..2^31−1`);
    }
    if (id > maxId) maxId = id;
  };
  for (const id of usedIds) checkId(id, 'used id');
  const prev = new Int32Array(n).fill(-1);
  for (const [node, id] of previous) {
    checkId(id, 'previous id');
    if (Number.isInteger(node) && node >= 0 && node < n) prev[node] = id;
  }

  // Majority vote per community over previous ids (−1 = "had none" is a candidate like any other).
  const size = new Int32Array(count);
  const candidate = new Int32Array(count).fill(-1);
  const votes = new Int32Array(count);
  for (let i = 0; i < n; i++) {
    const c = communities[i];
    size[c]++;
    if (votes[c] === 0) {
      candidate[c] = prev[i];
      votes[c] = 1;
    } else if (candidate[c] === prev[i]) votes[c]++;
    else votes[c]--;
  }
  const overlap = new Int32Array(count);
  for (let i = 0; i < n; i++) {
    const c = communities[i];
    if (prev[i] === candidate[c] && prev[i] !== -1) overlap[c]++;
  }
  const claims: number[] = [];
  for (let c = 0; c < count; c++) if (2 * overlap[c] > size[c]) claims.push(c);
  claims.sort((a, b) => overlap[b] - overlap[a] || a - b);

  const idOfCommunity = new Int32Array(count).fill(-1);
  const granted = new Set<number>();
  let kept = 0;
  for (const c of claims) {
    const p = candidate[c];
    if (granted.has(p)) continue;
    granted.add(p);
    idOfCommunity[c] = p;
    kept++;
  }
  let created = 0;
  for (let c = 0; c < count; c++) {
    if (idOfCommunity[c] !== -1) continue;
    idOfCommunity[c] = ++maxId;
    created++;
  }
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = idOfCommunity[communities[i]];
  return { ids, idOfCommunity, kept, created, maxUsedId: maxId };
}
