// Who are the super users of a community?
//
// The members of one community (Customer.community, from the latest analytics run) who carry
// the most weight in it: ranked by PageRank (how much attention flows to them through follows,
// acquaintances and interactions) or by amplification received (how much others share, mention
// and reply to them, decayed by age). Opted-out customers are never listed.
//
// @param community: integer — the community id, as in Customer.community
// @param by: "pagerank" | "amplification" = "pagerank" — the ranking score
// @param limit: integer = 20 — how many customers to list
//
// Columns:
//   rank                   1 for the first row, and so on
//   id                     customer id
//   name                   customer name
//   handle                 social handle
//   segment                customer segment
//   pagerank               PageRank over the whole graph (sums to 1 over all customers)
//   amplificationReceived  age-decayed volume of interactions received
//   audienceInCommunity    members of the same community who follow or know them
//   followers              customers anywhere who follow them
//
// Order: the chosen score descending (pagerank or amplificationReceived), then the other score
// descending, then id.
OPTIONAL MATCH (cur:CurrentRun {name: 'analytics'})
WITH cur.runId AS currentRun
MATCH (c:Customer)
WHERE c.community = $community AND c.scoresRunId = currentRun AND NOT coalesce(c.optedOut, false)
WITH currentRun, c,
     CASE $by WHEN 'amplification' THEN coalesce(c.amplificationReceived, 0.0) ELSE coalesce(c.pagerank, 0.0) END AS score,
     CASE $by WHEN 'amplification' THEN coalesce(c.pagerank, 0.0) ELSE coalesce(c.amplificationReceived, 0.0) END AS tiebreak
ORDER BY score DESC, tiebreak DESC, c.id
LIMIT $limit
WITH currentRun, collect(c) AS top
UNWIND range(0, size(top) - 1) AS i
WITH currentRun, i, top[i] AS c
RETURN i + 1 AS rank,
       c.id AS id,
       c.name AS name,
       c.handle AS handle,
       c.segment AS segment,
       c.pagerank AS pagerank,
       c.amplificationReceived AS amplificationReceived,
       COUNT {
         MATCH (c)-[t:FOLLOWS|KNOWS]-(m:Customer)
         WHERE m.community = $community AND m.scoresRunId = currentRun AND m <> c AND (type(t) = 'KNOWS' OR endNode(t) = c)
         RETURN DISTINCT m
       } AS audienceInCommunity,
       COUNT { (c)<-[:FOLLOWS]-(:Customer) } AS followers
ORDER BY rank;
