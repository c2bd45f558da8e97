/** ground-truth.json: what was planted — communities, super users, stances — and how. */
import { customerIds } from './ids.js';
import type { GroundTruth, GroundTruthParams, Stance } from './types.js';
import { REGIONS } from './vocab.js';
import { CONTRIBUTOR, CREATOR, LURKER, STANCE_NAMES, type World } from './world.js';

export function groundTruthParams(w: World): GroundTruthParams {
  const K = w.communityCount;
  const participation = { lurkers: 0, contributors: 0, creators: 0 };
  for (let i = 0; i < w.n; i++) {
    if (w.tier[i] === LURKER) participation.lurkers++;
    else if (w.tier[i] === CONTRIBUTOR) participation.contributors++;
    else if (w.tier[i] === CREATOR) participation.creators++;
  }
  const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
  return {
    options: w.options,
    model: w.model,
    communitySizes: Array.from({ length: K }, (_, k) => w.memberOffset[k + 1] - w.memberOffset[k]),
    communityStanceMix: Array.from({ length: K }, (_, k) => [
      round4(w.communityStanceMix[3 * k]),
      round4(w.communityStanceMix[3 * k + 1]),
      round4(w.communityStanceMix[3 * k + 2]),
    ]),
    communityTopics: Array.from({ length: K }, (_, k) =>
      Array.from(w.communityTopics.subarray(3 * k, 3 * k + 3), (t) => w.catalog.topics[t].id),
    ),
    communityRegions: Array.from(w.communityRegion, (r) => REGIONS[r]),
    participation,
  };
}

export function buildGroundTruth(w: World): GroundTruth {
  const id = customerIds(w);
  const communities: Record<string, number> = {};
  const stances: Record<string, Stance> = {};
  for (let i = 0; i < w.n; i++) {
    communities[id[i]] = w.community[i];
    stances[id[i]] = STANCE_NAMES[w.stance[i]];
  }
  return {
    seed: w.options.seed,
    customers: w.n,
    communities,
    superUsers: Array.from(w.superUsers, (s) => id[s]),
    stances,
    params: groundTruthParams(w),
  };
}

/**
 * The same document as `JSON.stringify(buildGroundTruth(w))`, in chunks, without holding a
 * million-key object in memory.
 */
export function* groundTruthChunks(w: World): Generator<string> {
  const id = customerIds(w);
  const chunkSize = 50_000;
  yield `{"seed":${JSON.stringify(w.options.seed)},"customers":${w.n},"communities":{`;
  for (let start = 0; start < w.n; start += chunkSize) {
    const parts: string[] = [];
    for (let i = start; i < Math.min(w.n, start + chunkSize); i++) parts.push(`"${id[i]}":${w.community[i]}`);
    yield (start > 0 ? ',' : '') + parts.join(',');
  }
  yield `},"superUsers":${JSON.stringify(Array.from(w.superUsers, (s) => id[s]))},"stances":{`;
  for (let start = 0; start < w.n; start += chunkSize) {
    const parts: string[] = [];
    for (let i = start; i < Math.min(w.n, start + chunkSize); i++) parts.push(`"${id[i]}":"${STANCE_NAMES[w.stance[i]]}"`);
    yield (start > 0 ? ',' : '') + parts.join(',');
  }
  yield `},"params":${JSON.stringify(groundTruthParams(w))}}\n`;
}
