/**
 * Loads the NetworkX golden values in ../shared/reference/*.json (shared/ sits beside the repo)
 * and turns each into a labelled CSR, plus assertions comparing a score array to a reference map.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { fromEdgeList, type LabelledCsr, type NodeId } from '../../../src/analytics/index.js';

export type ReferenceName = 'karate-club' | 'les-miserables' | 'directed-random-60';

export interface Reference {
  name: string;
  directed: boolean;
  nodes: NodeId[];
  edges: [NodeId, NodeId][];
  [key: string]: unknown;
}

export function loadReference(name: ReferenceName): Reference {
  const url = new URL(`../../../../shared/reference/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Reference;
}

export function referenceGraph(name: ReferenceName): { ref: Reference; g: LabelledCsr } {
  const ref = loadReference(name);
  return { ref, g: fromEdgeList(ref.nodes, ref.edges, { directed: ref.directed }) };
}

/** A per-node reference map (JSON object keyed by String(node id)). */
export function nodeMap(ref: Reference, key: string): Record<string, number> {
  const value = ref[key];
  if (value === undefined || value === null || typeof value !== 'object') throw new Error(`reference ${ref.name} has no per-node key ${key}`);
  return value as Record<string, number>;
}

export function scalar(ref: Reference, key: string): number {
  const value = ref[key];
  if (typeof value !== 'number') throw new Error(`reference ${ref.name} has no numeric key ${key}`);
  return value;
}

/** Every node's score is within `tol` (absolute) of the reference; every node is covered. */
export function expectMatchesReference(
  scores: ArrayLike<number>,
  g: LabelledCsr,
  expected: Record<string, number>,
  tol: number,
): void {
  expect(Object.keys(expected).length).toBe(g.nodes.length);
  let worst = 0;
  let worstNode = '';
  g.nodes.forEach((id, i) => {
    const want = expected[String(id)];
    expect(want, `reference value for node ${String(id)}`).toBeTypeOf('number');
    const err = Math.abs(scores[i] - want);
    if (!(err <= worst)) {
      worst = err;
      worstNode = String(id);
    }
  });
  expect(worst, `largest error at node ${worstNode}`).toBeLessThanOrEqual(tol);
}
