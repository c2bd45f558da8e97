// Who is two hops from a customer and has not bought (or engaged with) a product yet?
//
// Friends of friends of one customer — reached through FOLLOWS or KNOWS ties in either
// direction, not tied to the customer directly — who have no engagement of the given kinds with
// the product: the warmest audience for a referral. Opted-out customers are never listed, as
// prospects or as intermediaries, but they still connect people.
//
// @param customer: string — id of the customer whose network is searched
// @param product: string — product id
// @param kinds: string[] = ["purchase"] — engagement kinds that count as already having it; an empty list means any engagement
// @param limit: integer = 50 — how many prospects to list
//
// Columns:
//   id           prospect's customer id
//   name         prospect's name
//   segment      prospect's segment
//   region       prospect's region
//   mutuals      distinct customers linking them to the given customer (opted-out ones included)
//   via          ids of up to three of those intermediaries, highest PageRank first (opted-out
//                ones left out)
//   pagerank     prospect's PageRank
//
// Order: mutuals descending, then pagerank descending, then id.
OPTIONAL MATCH (cur:CurrentRun {name: 'analytics'})
WITH cur.runId AS currentRun
MATCH (me:Customer {id: $customer})
MATCH (product:Product {id: $product})
MATCH (me)-[:FOLLOWS|KNOWS]-(mid:Customer)-[:FOLLOWS|KNOWS]-(p:Customer)
WHERE p <> me AND mid <> me AND mid <> p
  AND NOT coalesce(p.optedOut, false)
  AND NOT EXISTS { (me)-[:FOLLOWS|KNOWS]-(p) }
WITH DISTINCT currentRun, product, p, mid
ORDER BY coalesce(CASE WHEN mid.scoresRunId = currentRun THEN mid.pagerank END, 0.0) DESC, mid.id
WITH currentRun, product, p, collect(mid) AS mids
WHERE NOT EXISTS {
  MATCH (p)-[e:ENGAGED]->(product)
  WHERE size($kinds) = 0 OR e.kind IN $kinds
}
WITH p, CASE WHEN p.scoresRunId = currentRun THEN p.pagerank END AS pagerank, size(mids) AS mutuals,
     [m IN mids WHERE NOT coalesce(m.optedOut, false) | m.id] AS visible
RETURN p.id AS id,
       p.name AS name,
       p.segment AS segment,
       p.region AS region,
       mutuals,
       visible[0..3] AS via,
       pagerank
ORDER BY mutuals DESC, coalesce(pagerank, 0.0) DESC, id
LIMIT $limit;
