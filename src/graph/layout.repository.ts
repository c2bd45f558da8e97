/**
 * Stores the community map layout of an analytics run on a (:RunLayout) node linked from the run
 * by HAS_LAYOUT: customer ids with their x and y, the iterations and when it was computed. The
 * first layout saved for a run wins, so every reader sees the same positions. Layouts of runs
 * whose results were pruned are deleted when a new one is saved.
 */
import type { LayoutStore, RunLayout } from '../domain/layout.service.js';
import type { GraphDatabase } from './database.js';

const LOAD = `
MATCH (:AnalyticsRun {id: $runId})-[:HAS_LAYOUT]->(l:RunLayout)
RETURN l.runId AS runId, l.ids AS ids, l.x AS x, l.y AS y, l.iterations AS iterations, l.computedAt AS computedAt
LIMIT 1`;
const CREATE = `
MATCH (run:AnalyticsRun {id: $runId})
WHERE NOT (run)-[:HAS_LAYOUT]->(:RunLayout)
CREATE (run)-[:HAS_LAYOUT]->(:RunLayout {runId: $runId, ids: $ids, x: $x, y: $y, iterations: $iterations, computedAt: $computedAt})`;
const PRUNE = `
MATCH (r:AnalyticsRun)-[:HAS_LAYOUT]->(l:RunLayout)
WHERE NOT (r)-[:HAS_RESULTS]->(:RunResults)
DETACH DELETE l`;

export class Neo4jLayoutRepository implements LayoutStore {
  constructor(private readonly db: GraphDatabase) {}

  async load(runId: string): Promise<RunLayout | undefined> {
    const result = await this.db.read((tx) => tx.run(LOAD, { runId }));
    const r = result.records[0];
    if (!r) return undefined;
    return {
      runId: r.get('runId') as string,
      ids: r.get('ids') as string[],
      x: Float64Array.from(r.get('x') as number[]),
      y: Float64Array.from(r.get('y') as number[]),
      iterations: Number(r.get('iterations')),
      computedAt: r.get('computedAt') as string,
    };
  }

  /** Saves the layout unless the run has one already; returns the stored one. */
  async save(layout: RunLayout): Promise<RunLayout> {
    await this.db.write(async (tx) => {
      await tx.run(CREATE, {
        runId: layout.runId,
        ids: layout.ids,
        x: Array.from(layout.x),
        y: Array.from(layout.y),
        iterations: layout.iterations,
        computedAt: layout.computedAt,
      });
      await tx.run(PRUNE);
    });
    return (await this.load(layout.runId)) ?? layout;
  }
}
