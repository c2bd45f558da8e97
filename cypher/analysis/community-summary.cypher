// What does each community look like?
//
// One row per community of the latest analytics run: its size, how densely its members are
// tied to each other, how much of its members' attention stays inside it, its combined weight,
// and the topics its members post about most. Only counts and topic names are shown, so
// opted-out customers are counted but never listed.
//
// @param community: integer = -1 — the community id to describe; -1 describes every community
// @param topics: integer = 3 — how many top topics to name per community
//
// Columns:
//   community      community id
//   members        customers in it (opted-out ones included)
//   internalTies   distinct member pairs tied by FOLLOWS or KNOWS (either direction)
//   density        internalTies / (members × (members − 1) / 2), 0 for a community of one
//   insideShare    share of its members' ties (FOLLOWS out, KNOWS) that stay inside the community
//   pagerankShare  sum of its members' PageRank (share of the whole graph's attention)
//   posts          content items posted by its members
//   topTopics      names of the topics its members post about most, most posts first
//
// Order: members descending, then community.
OPTIONAL MATCH (cur:CurrentRun {name: 'analytics'})
WITH cur.runId AS currentRun
MATCH (c:Customer)
WHERE c.community IS NOT NULL AND c.scoresRunId = currentRun AND ($community < 0 OR c.community = $community)
WITH currentRun, c.community AS community, count(*) AS members, sum(coalesce(c.pagerank, 0.0)) AS pagerankShare
CALL (currentRun, community) {
  MATCH (a:Customer {community: community})-[:FOLLOWS|KNOWS]-(b:Customer {community: community})
  WHERE a.id < b.id AND a.scoresRunId = currentRun AND b.scoresRunId = currentRun
  WITH a, count(DISTINCT b) AS pairs
  RETURN sum(pairs) AS internalTies
}
CALL (currentRun, community) {
  MATCH (a:Customer {community: community})-[t:FOLLOWS|KNOWS]-(b:Customer)
  WHERE a.scoresRunId = currentRun AND (type(t) = 'KNOWS' OR startNode(t) = a)
  RETURN CASE count(t) WHEN 0 THEN null
         ELSE toFloat(count(CASE WHEN b.community = community AND b.scoresRunId = currentRun THEN t END)) / count(t) END AS insideShare
}
CALL (currentRun, community) {
  MATCH (a:Customer {community: community})-[:POSTED]->(post:Content)
  WHERE a.scoresRunId = currentRun
  RETURN count(post) AS posts
}
CALL (currentRun, community) {
  MATCH (a:Customer {community: community})-[:POSTED]->(:Content)-[:ABOUT]->(topic:Topic)
  WHERE a.scoresRunId = currentRun
  WITH topic, count(*) AS topicPosts
  ORDER BY topicPosts DESC, coalesce(topic.name, topic.id)
  RETURN collect(coalesce(topic.name, topic.id))[0..$topics] AS topTopics
}
RETURN community,
       members,
       coalesce(internalTies, 0) AS internalTies,
       CASE WHEN members < 2 THEN 0.0 ELSE 2.0 * coalesce(internalTies, 0) / (members * (members - 1)) END AS density,
       insideShare,
       pagerankShare,
       posts,
       topTopics
ORDER BY members DESC, community;
