// Which detractors of a brand have the widest reach?
//
// Customers whose latest NPS answer for the brand is a detractor score (0–6 by default), with
// how many people hear them: followers, and everyone who follows or knows them. The loudest
// unhappy voices, to reach before their views spread. Opted-out customers are never listed.
//
// @param brand: string — brand id
// @param maxScore: integer = 6 — highest NPS score that counts as a detractor (0..10)
// @param limit: integer = 20 — how many customers to list
//
// Columns:
//   id           customer id
//   name         customer name
//   handle       social handle
//   community    community id
//   score        their latest NPS answer for the brand (0..10)
//   ratedAt      when they gave it
//   ratings      how many NPS answers they gave the brand in all
//   followers    customers who follow them
//   audience     distinct customers who follow or know them
//   complaints   complaints they filed about the brand or its products
//   pagerank     PageRank
//
// Order: followers descending, then score ascending, then id.
OPTIONAL MATCH (cur:CurrentRun {name: 'analytics'})
WITH cur.runId AS currentRun
MATCH (b:Brand {id: $brand})<-[r:RATED]-(c:Customer)
WHERE NOT coalesce(c.optedOut, false)
WITH currentRun, b, c, r
ORDER BY r.at DESC, r.id
WITH currentRun, b, c, collect(r)[0] AS latest, count(r) AS ratings
WHERE latest.score <= $maxScore
WITH b, c, latest, ratings, CASE WHEN c.scoresRunId = currentRun THEN c END AS scored
RETURN c.id AS id,
       c.name AS name,
       c.handle AS handle,
       scored.community AS community,
       latest.score AS score,
       latest.at AS ratedAt,
       ratings,
       COUNT { (c)<-[:FOLLOWS]-(:Customer) } AS followers,
       COUNT { MATCH (c)-[t:FOLLOWS|KNOWS]-(o:Customer) WHERE type(t) = 'KNOWS' OR endNode(t) = c RETURN DISTINCT o } AS audience,
       COUNT { (c)-[e:ENGAGED {kind: 'complaint'}]->(target) WHERE target = b OR (b)-[:OFFERS]->(target) } AS complaints,
       scored.pagerank AS pagerank
ORDER BY followers DESC, score, id
LIMIT $limit;
