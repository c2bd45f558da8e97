// Who are the leading voices on a topic?
//
// Customers who post about one topic, ranked by the engagement their posts on it received
// (likes, shares, clicks, comments from other customers), with how many posts they wrote and
// their average tone. Who to brief, or listen to, on a subject. Engagement from opted-out
// customers counts; opted-out authors are never listed.
//
// @param topic: string — topic id (or its exact name)
// @param days: integer = 0 — only posts from the last N days before the newest post on the topic; 0 means all time
// @param limit: integer = 20 — how many customers to list
//
// Columns:
//   id              customer id
//   name            customer name
//   handle          social handle
//   community       community id
//   posts           their posts about the topic
//   engagements     engagements those posts received from other customers
//   engagers        distinct customers who engaged with them
//   avgSentiment    average sentiment of those posts (−1..1)
//   lastPostAt      their latest post about the topic
//   pagerank        PageRank
//
// Order: engagements descending, then posts descending, then id.
OPTIONAL MATCH (cur:CurrentRun {name: 'analytics'})
WITH cur.runId AS currentRun
MATCH (t:Topic)
WHERE t.id = $topic OR t.name = $topic
CALL (t) {
  MATCH (t)<-[:ABOUT]-(post:Content)
  RETURN max(post.createdAt) AS newest
}
MATCH (c:Customer)-[:POSTED]->(post:Content)-[:ABOUT]->(t)
WHERE NOT coalesce(c.optedOut, false)
  AND ($days <= 0 OR post.createdAt > newest - duration({days: $days}))
WITH currentRun, c, collect(post) AS topicPosts, count(post) AS posts, avg(post.sentiment) AS avgSentiment,
     max(post.createdAt) AS lastPostAt
CALL (c, topicPosts) {
  UNWIND topicPosts AS post
  MATCH (post)<-[e:ENGAGED]-(fan:Customer)
  WHERE fan <> c
  RETURN count(e) AS engagements, count(DISTINCT fan) AS engagers
}
WITH c, posts, engagements, engagers, avgSentiment, lastPostAt, CASE WHEN c.scoresRunId = currentRun THEN c END AS scored
RETURN c.id AS id,
       c.name AS name,
       c.handle AS handle,
       scored.community AS community,
       posts,
       engagements,
       engagers,
       avgSentiment,
       lastPostAt,
       scored.pagerank AS pagerank
ORDER BY engagements DESC, posts DESC, id
LIMIT $limit;
