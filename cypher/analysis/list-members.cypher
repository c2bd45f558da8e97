// Who is on an influencer list, and how much weight does each member carry?
//
// The members of one influencer list (saved from a campaign plan or picked by hand) in rank
// order, with the reason they were listed and their scores from the latest analytics run, and
// the campaign the list is for. Opted-out customers are never listed, even if still attached.
//
// @param list: string — influencer list id (or its exact name)
// @param limit: integer = 100 — how many members to list
//
// Columns:
//   rank                   the member's rank on the list
//   id                     customer id
//   name                   customer name
//   handle                 social handle
//   community              community id
//   reason                 why the member was listed
//   influence              influence (0..100) from the latest run
//   pagerank               PageRank over the whole graph
//   reach2                 people within two hops
//   stance                 stance toward the primary brand
//   followers              customers who follow them
//   campaign               id of the campaign the list is for
//
// Order: rank ascending, then id.
OPTIONAL MATCH (cur:CurrentRun {name: 'analytics'})
WITH cur.runId AS currentRun
MATCH (l:InfluencerList)
WHERE l.id = $list OR l.name = $list
OPTIONAL MATCH (l)-[:FOR]->(campaign:Campaign)
MATCH (l)-[r:INCLUDES]->(c:Customer)
WHERE NOT coalesce(c.optedOut, false)
WITH campaign, r, c, CASE WHEN c.scoresRunId = currentRun THEN c END AS scored
RETURN r.rank AS rank,
       c.id AS id,
       c.name AS name,
       c.handle AS handle,
       scored.community AS community,
       r.reason AS reason,
       scored.influence AS influence,
       scored.pagerank AS pagerank,
       scored.reach2 AS reach2,
       scored.stance AS stance,
       COUNT { (c)<-[:FOLLOWS]-(:Customer) } AS followers,
       campaign.id AS campaign
ORDER BY rank, id
LIMIT $limit;
