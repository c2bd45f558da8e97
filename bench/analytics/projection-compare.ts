/**
 * Compares two projections of the same base by customer id (the projection benches check that a
 * new reading gives the same graph as the one it replaces).
 */
import type { Projection } from '../../src/domain/projection.js';

/** Differences between two projections, compared by customer id (empty when they are the same). */
export function projectionDifferences(a: Projection, b: Projection, tolerance = 1e-9): string[] {
  const problems: string[] = [];
  const close = (x: number, y: number) => (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(x), Math.abs(y));
  if (a.ids.length !== b.ids.length) problems.push(`customers ${a.ids.length} vs ${b.ids.length}`);
  if (a.asOf !== b.asOf) problems.push(`asOf ${a.asOf} vs ${b.asOf}`);
  if (JSON.stringify(a.counts) !== JSON.stringify(b.counts)) problems.push(`counts ${JSON.stringify(a.counts)} vs ${JSON.stringify(b.counts)}`);
  if (JSON.stringify(a.brands) !== JSON.stringify(b.brands)) problems.push('brands differ');
  const inB = new Map(b.ids.map((id, i) => [id, i]));
  const perNode = [
    'optedOut', 'followers', 'following', 'interactionsReceived', 'interactionsGiven', 'posts',
    'engagementsReceived', 'engagementsGiven', 'amplificationReceived', 'amplificationGiven', 'lastPurchaseAt',
  ] as const;
  for (let i = 0; i < a.ids.length && problems.length < 20; i++) {
    const j = inB.get(a.ids[i]);
    if (j === undefined) {
      problems.push(`customer ${a.ids[i]} missing`);
      continue;
    }
    for (const f of perNode) if (!close(a[f][i], b[f][j])) problems.push(`${f} of ${a.ids[i]}: ${a[f][i]} vs ${b[f][j]}`);
    if (a.topics[i].join() !== b.topics[j].join()) problems.push(`topics of ${a.ids[i]}`);
    for (let k = 0; k < a.brands.length; k++) {
      const norm = (e: unknown) => JSON.stringify(e, (_, v) => (Array.isArray(v) ? v.map((x) => JSON.stringify(x)).sort() : v));
      if (norm(a.evidence[k].get(i)) !== norm(b.evidence[k].get(j))) problems.push(`evidence of ${a.ids[i]} for ${a.brands[k]}`);
    }
  }
  // Arcs: summed per (source id, target id) and kind, as the CSR sums parallel arcs.
  const arcs = (p: Projection) => {
    const m = new Map<string, number[]>();
    for (let x = 0; x < p.src.length; x++) {
      const key = `${p.ids[p.src[x]]}\u0000${p.ids[p.dst[x]]}\u0000${p.isTie[x]}`;
      const s = m.get(key) ?? [0, 0, 0, 0];
      s[0] += p.weight[x];
      s[1] += p.positiveVolume[x];
      s[2] += p.negativeVolume[x];
      s[3]++;
      m.set(key, s);
    }
    return m;
  };
  if (a.src.length !== b.src.length) problems.push(`arcs ${a.src.length} vs ${b.src.length}`);
  const arcsA = arcs(a);
  const arcsB = arcs(b);
  for (const [key, s] of arcsA) {
    const t = arcsB.get(key);
    if (!t || s.some((v, q) => !close(v, t[q]))) {
      problems.push(`arc ${key.replaceAll('\u0000', ' ')}: ${s} vs ${t}`);
      if (problems.length > 20) break;
    }
  }
  if (arcsA.size !== arcsB.size) problems.push(`distinct arcs ${arcsA.size} vs ${arcsB.size}`);
  return problems;
}
