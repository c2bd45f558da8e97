// Who reacts to a piece of content?
//
// Everyone who engaged with one content item (likes, shares, clicks, comments…), in the order
// they first reacted, with how they relate to its author: the spread of a post, reaction by
// reaction. Opted-out customers are never listed (the author is shown only by id, in the
// question you ask).
//
// @param content: string — content id
// @param kinds: string[] = [] — engagement kinds to count (like, share, click, comment…); empty means all
// @param limit: integer = 100 — how many customers to list
//
// Columns:
//   id             reacting customer's id
//   name           their name
//   community      their community id
//   reactions      their engagements with the content
//   kinds          the distinct kinds of those engagements, alphabetically
//   firstAt        their first reaction
//   lastAt         their latest reaction
//   avgSentiment   average sentiment of their reactions (−1..1)
//   tieToAuthor    how they are tied to the author: follows, knows, followed-by or none
//   sameCommunity  true when they share the author's community
//
// Order: firstAt ascending, then id.
OPTIONAL MATCH (cur:CurrentRun {name: 'analytics'})
WITH cur.runId AS currentRun
MATCH (post:Content {id: $content})
OPTIONAL MATCH (author:Customer)-[:POSTED]->(post)
MATCH (c:Customer)-[e:ENGAGED]->(post)
WHERE NOT coalesce(c.optedOut, false)
  AND (size($kinds) = 0 OR e.kind IN $kinds)
WITH currentRun, author, c, e
ORDER BY e.kind
WITH currentRun, author, c, count(e) AS reactions, collect(DISTINCT e.kind) AS kinds,
     min(e.at) AS firstAt, max(e.at) AS lastAt, avg(e.sentiment) AS avgSentiment
WITH author, c, reactions, kinds, firstAt, lastAt, avgSentiment,
     CASE WHEN c.scoresRunId = currentRun THEN c END AS scored,
     CASE WHEN author.scoresRunId = currentRun THEN author END AS scoredAuthor
RETURN c.id AS id,
       c.name AS name,
       scored.community AS community,
       reactions,
       kinds,
       firstAt,
       lastAt,
       avgSentiment,
       CASE
         WHEN author IS NULL OR author = c THEN 'none'
         WHEN EXISTS { (c)-[:FOLLOWS]->(author) } THEN 'follows'
         WHEN EXISTS { (c)-[:KNOWS]-(author) } THEN 'knows'
         WHEN EXISTS { (c)<-[:FOLLOWS]-(author) } THEN 'followed-by'
         ELSE 'none'
       END AS tieToAuthor,
       scoredAuthor IS NOT NULL AND scored.community IS NOT NULL AND scored.community = scoredAuthor.community AS sameCommunity
ORDER BY firstAt, id
LIMIT $limit;
