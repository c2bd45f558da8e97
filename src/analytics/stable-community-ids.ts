/**
 * Stable community ids across runs: map a new partition's labels onto the ids of the previous
 * run, so that a community that is "the same" keeps its id.
 *
 * Rule: a previous community P keeps its id when most of its members stay together — strictly
 * more than half of P's members (those still present in this run) land in the same new community
 * C; C then inherits P. Newcomers do not count against P: a community of 10 that 15 newcomers
 * join keeps its id. P split in two exact halves, or scattered with no majority anywhere, retires
 * its id. Each P can claim at most one C (a strict majority is unique); when several previous
 * communities claim the same C (a merge), the largest overlap wins, ties by the smaller previous
 * id, and the others' ids are retired. Every other community gets a fresh id, counting up from one
 * above the largest id ever used (max of `usedIds` and of the previous labels; 0 when there is
 * none), in order of new label. Pure: no input is modified.
 *
 * Cost: O(n + c + p log p) time for n nodes, p previous and c new communities (Boyer–Moore
 * majority vote per previous community finds the only possible >50 % new community in two
 * passes), O(n + p + c) memory.
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

  // Majority vote per previous community over the new labels of its present members.
  const slotOf = new Map<number, number>();
  const prevIdOfSlot: number[] = [];
  const slot = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const p = prev[i];
    if (p === -1) continue;
    let k = slotOf.get(p);
    if (k === undefined) {
      k = prevIdOfSlot.length;
      slotOf.set(p, k);
      prevIdOfSlot.push(p);
    }
    slot[i] = k;
  }
  const slots = prevIdOfSlot.length;
  const members = new Int32Array(slots);
  const candidate = new Int32Array(slots).fill(-1);
  const votes = new Int32Array(slots);
  for (let i = 0; i < n; i++) {
    const k = slot[i];
    if (k === -1) continue;
    const c = communities[i];
    members[k]++;
    if (votes[k] === 0) {
      candidate[k] = c;
      votes[k] = 1;
    } else if (candidate[k] === c) votes[k]++;
    else votes[k]--;
  }
  const overlap = new Int32Array(slots);
  for (let i = 0; i < n; i++) {
    const k = slot[i];
    if (k !== -1 && communities[i] === candidate[k]) overlap[k]++;
  }
  const claims: number[] = [];
  for (let k = 0; k < slots; k++) if (2 * overlap[k] > members[k]) claims.push(k);
  claims.sort((a, b) => overlap[b] - overlap[a] || prevIdOfSlot[a] - prevIdOfSlot[b]);

  const idOfCommunity = new Int32Array(count).fill(-1);
  let kept = 0;
  for (const k of claims) {
    const c = candidate[k];
    if (idOfCommunity[c] !== -1) continue;
    idOfCommunity[c] = prevIdOfSlot[k];
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
