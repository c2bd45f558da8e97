// Whose PageRank rose most between the last two runs?
//
// Compares each customer's PageRank in the per-run results (the blocks of each run's RunResults) of the last two
// completed analytics runs that computed PageRank, and lists the customers whose score went up
// the most: rising voices worth a look before they peak. Customers missing from either run are
// left out, and so are opted-out customers. No rows when fewer than two such runs have results
// kept.
//
// @param limit: integer = 20 — how many customers to list
// @param minPrevious: float = 0.0 — leave out customers whose earlier PageRank was below this
//
// Columns:
//   id                customer id
//   name              customer name
//   community         current community
//   previousPagerank  PageRank in the earlier run
//   latestPagerank    PageRank in the latest run
//   rise              latestPagerank - previousPagerank (always > 0)
//   risePct           rise as a percentage of previousPagerank (null when that was 0)
//   previousRunId     the earlier run
//   latestRunId       the latest run
//
// Order: rise descending, then id.
MATCH (run:AnalyticsRun {status: 'completed'})-[:HAS_RESULTS]->(res:RunResults)
WHERE 'pagerank' IN res.fields
WITH run, res
ORDER BY run.finishedAt DESC
LIMIT 2
WITH collect({runId: run.id, res: res}) AS runs
WHERE size(runs) = 2
UNWIND [1, 0] AS which
WITH runs[1].runId AS previousRunId, runs[0].runId AS latestRunId, which, runs[which].res AS res
MATCH (res)-[:HAS_BLOCK]->(b:RunResultsBlock)
WITH previousRunId, latestRunId, which, b.customerIds AS ids, b.pagerank AS values
UNWIND range(0, size(ids) - 1) AS i
WITH previousRunId, latestRunId, ids[i] AS customerId,
     CASE which WHEN 1 THEN values[i] END AS beforeIn,
     CASE which WHEN 0 THEN values[i] END AS afterIn
WITH previousRunId, latestRunId, customerId, max(beforeIn) AS previousPagerank, max(afterIn) AS latestPagerank
WHERE previousPagerank IS NOT NULL AND latestPagerank IS NOT NULL
  AND latestPagerank > previousPagerank AND previousPagerank >= $minPrevious
WITH previousRunId, latestRunId, customerId, previousPagerank, latestPagerank,
     latestPagerank - previousPagerank AS rise
ORDER BY rise DESC, customerId
MATCH (c:Customer {id: customerId})
WHERE NOT coalesce(c.optedOut, false)
OPTIONAL MATCH (cur:CurrentRun {name: 'analytics'})
WITH c, previousPagerank, latestPagerank, rise, previousRunId, latestRunId,
     CASE WHEN c.scoresRunId = cur.runId THEN c END AS scored
RETURN c.id AS id,
       c.name AS name,
       scored.community AS community,
       previousPagerank,
       latestPagerank,
       rise,
       CASE WHEN previousPagerank = 0 THEN null ELSE round(100.0 * rise / previousPagerank, 1) END AS risePct,
       previousRunId,
       latestRunId
ORDER BY rise DESC, id
LIMIT $limit;
