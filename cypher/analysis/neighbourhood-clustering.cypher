// How tight-knit is a customer's circle?
//
// Looks at the people one customer is tied to (FOLLOWS or KNOWS, either direction, counted once)
// and at the ties among them: the triangles the customer closes, the local clustering
// coefficient (how many of the possible ties between their contacts exist), how many contacts
// share the customer's community, and the contacts most embedded in the circle. A high
// coefficient means a close group where word stays inside; a low one, a broker between groups.
// Ties are read as undirected. Opted-out customers are never listed (asking about one gives no
// row), but they count as contacts.
//
// @param customer: string — customer id
// @param top: integer = 5 — how many of the most embedded contacts to name
//
// Columns:
//   id                  customer id
//   name                customer name
//   community           their community id
//   contacts            distinct customers they are tied to
//   triangles           pairs of contacts tied to each other
//   possiblePairs       contacts × (contacts − 1) / 2
//   clustering          triangles / possiblePairs (0 with fewer than two contacts)
//   sameCommunityShare  share of contacts in their community
//   mostEmbedded        ids of the contacts tied to the most other contacts, most first
//
// Order: a single row.
OPTIONAL MATCH (cur:CurrentRun {name: 'analytics'})
WITH cur.runId AS currentRun
MATCH (me:Customer {id: $customer})
WHERE NOT coalesce(me.optedOut, false)
WITH me, CASE WHEN me.scoresRunId = currentRun THEN me.community END AS myCommunity, currentRun
CALL (me, myCommunity, currentRun) {
  OPTIONAL MATCH (me)-[:FOLLOWS|KNOWS]-(u:Customer)
  WHERE u <> me
  WITH DISTINCT u
  OPTIONAL MATCH (u)-[:FOLLOWS|KNOWS]-(v:Customer)
  WHERE v <> u AND v <> me AND EXISTS { (v)-[:FOLLOWS|KNOWS]-(me) }
  WITH u, count(DISTINCT v) AS shared
  ORDER BY shared DESC, u.id
  RETURN count(u) AS contacts,
         sum(shared) / 2 AS triangles,
         sum(CASE WHEN u.scoresRunId = currentRun AND u.community = myCommunity THEN 1 ELSE 0 END) AS sameCommunity,
         collect(CASE WHEN NOT coalesce(u.optedOut, false) THEN u.id END)[0..$top] AS mostEmbedded
}
WITH me, myCommunity, contacts, triangles, sameCommunity, mostEmbedded, contacts * (contacts - 1) / 2 AS possiblePairs
RETURN me.id AS id,
       me.name AS name,
       myCommunity AS community,
       contacts,
       triangles,
       possiblePairs,
       CASE WHEN possiblePairs = 0 THEN 0.0 ELSE toFloat(triangles) / possiblePairs END AS clustering,
       CASE WHEN contacts = 0 THEN null ELSE toFloat(sameCommunity) / contacts END AS sameCommunityShare,
       mostEmbedded;
