// Who bridges two communities?
//
// Customers with ties (FOLLOWS or KNOWS, in either direction) into both communities, ranked by
// betweenness: the people through whom word passes from one group to the other. A bridge may
// belong to either community or to a third one. Opted-out customers are never listed, but they
// count as neighbours of the customers who are.
//
// @param communityA: integer — the first community id (Customer.community)
// @param communityB: integer — the second community id
// @param limit: integer = 20 — how many customers to list
//
// Columns:
//   id             customer id
//   name           customer name
//   community      the bridge's own community
//   neighboursInA  distinct customers of community A they are tied to
//   neighboursInB  distinct customers of community B they are tied to
//   betweenness    betweenness centrality (share of shortest paths through them)
//   pagerank       PageRank
//
// Order: betweenness descending, then the smaller of neighboursInA and neighboursInB descending,
// then id.
OPTIONAL MATCH (cur:CurrentRun {name: 'analytics'})
WITH cur.runId AS currentRun
MATCH (c:Customer)-[:FOLLOWS|KNOWS]-(n:Customer)
WHERE n.community IN [$communityA, $communityB] AND n.scoresRunId = currentRun AND n <> c AND NOT coalesce(c.optedOut, false)
WITH currentRun, c,
     count(DISTINCT CASE WHEN n.community = $communityA THEN n END) AS neighboursInA,
     count(DISTINCT CASE WHEN n.community = $communityB THEN n END) AS neighboursInB
WHERE neighboursInA > 0 AND neighboursInB > 0
WITH c, neighboursInA, neighboursInB, CASE WHEN c.scoresRunId = currentRun THEN c END AS scored
RETURN c.id AS id,
       c.name AS name,
       scored.community AS community,
       neighboursInA,
       neighboursInB,
       scored.betweenness AS betweenness,
       scored.pagerank AS pagerank
ORDER BY coalesce(betweenness, 0.0) DESC,
         CASE WHEN neighboursInA < neighboursInB THEN neighboursInA ELSE neighboursInB END DESC,
         id
LIMIT $limit;
