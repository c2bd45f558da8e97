// How did a community grow between the last two runs?
//
// Compares community membership in the per-run results (the blocks of each run's RunResults) of the last two
// completed analytics runs that computed communities: size before and after, and how many
// customers joined or left. Community ids are carried over from run to run by overlap, so the
// same id names the same group. Only counts are shown, so opted-out customers are counted but
// never listed. No rows when fewer than two such runs have results kept.
//
// @param community: integer = -1 — the community id to look at; -1 lists every community
//
// Columns:
//   community       community id
//   previousSize    members in the earlier run (0 when the community is new)
//   latestSize      members in the latest run (0 when it has dissolved)
//   growth          latestSize - previousSize
//   growthPct       growth as a percentage of previousSize (null when previousSize is 0)
//   joined          members in the latest run who were not in it before (newcomers included)
//   departed        members in the earlier run who are not in it now (removed customers included)
//   previousRunId   the earlier run
//   latestRunId     the latest run
//
// Order: growth descending, then latestSize descending, then community.
MATCH (run:AnalyticsRun {status: 'completed'})-[:HAS_RESULTS]->(res:RunResults)
WHERE 'community' IN res.fields
WITH run, res
ORDER BY run.finishedAt DESC
LIMIT 2
WITH collect({runId: run.id, res: res}) AS runs
WHERE size(runs) = 2
UNWIND [1, 0] AS which
WITH runs[1].runId AS previousRunId, runs[0].runId AS latestRunId, which, runs[which].res AS res
MATCH (res)-[:HAS_BLOCK]->(b:RunResultsBlock)
WITH previousRunId, latestRunId, which, b.customerIds AS ids, b.community AS values
UNWIND range(0, size(ids) - 1) AS i
WITH previousRunId, latestRunId, ids[i] AS customerId,
     CASE which WHEN 1 THEN values[i] END AS beforeIn,
     CASE which WHEN 0 THEN values[i] END AS afterIn
WITH previousRunId, latestRunId, customerId, max(beforeIn) AS before, max(afterIn) AS after
WITH previousRunId, latestRunId, before, after, count(*) AS customers
UNWIND CASE WHEN before = after THEN [before] ELSE [x IN [before, after] WHERE x IS NOT NULL] END AS community
WITH previousRunId, latestRunId, community,
     sum(CASE WHEN before = community THEN customers ELSE 0 END) AS previousSize,
     sum(CASE WHEN after = community THEN customers ELSE 0 END) AS latestSize,
     sum(CASE WHEN after = community AND (before IS NULL OR before <> community) THEN customers ELSE 0 END) AS joined,
     sum(CASE WHEN before = community AND (after IS NULL OR after <> community) THEN customers ELSE 0 END) AS departed
WHERE $community < 0 OR community = $community
RETURN community,
       previousSize,
       latestSize,
       latestSize - previousSize AS growth,
       CASE WHEN previousSize = 0 THEN null ELSE round(100.0 * (latestSize - previousSize) / previousSize, 1) END AS growthPct,
       joined,
       departed,
       previousRunId,
       latestRunId
ORDER BY growth DESC, latestSize DESC, community;
