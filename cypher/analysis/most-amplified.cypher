// Who was amplified most in the last N days?
//
// Customers ranked by the interactions others directed at them (shares, mentions, replies,
// quotes, comments, likes) within a window of N days. The window ends at $asOf, or — when that
// is empty — at the newest interaction in the graph, so a database loaded from an older export
// still answers. Interactions from opted-out customers count; opted-out customers are never
// listed.
//
// @param days: integer = 30 — length of the window in days
// @param asOf: string = "" — end of the window (ISO 8601 date-time); empty means the newest interaction
// @param kinds: string[] = [] — interaction kinds to count (mention, reply, share, like, comment, quote); empty means all
// @param limit: integer = 20 — how many customers to list
//
// Columns:
//   id             customer id
//   name           customer name
//   handle         social handle
//   community      community id
//   interactions   interactions received in the window (each weighted by its count)
//   amplifiers     distinct customers who interacted with them in the window
//   shares         of those interactions, the shares and quotes
//   avgSentiment   average sentiment of the interactions received (−1..1)
//   windowStart    start of the window (exclusive)
//   windowEnd      end of the window (inclusive)
//
// Order: interactions descending, then amplifiers descending, then id.
OPTIONAL MATCH (cur:CurrentRun {name: 'analytics'})
WITH cur.runId AS currentRun
CALL () {
  MATCH (:Customer)-[i:INTERACTED]->(:Customer)
  RETURN max(i.at) AS newest
}
WITH currentRun, CASE WHEN $asOf = '' THEN newest ELSE datetime($asOf) END AS windowEnd
WITH currentRun, windowEnd, windowEnd - duration({days: $days}) AS windowStart
MATCH (a:Customer)-[i:INTERACTED]->(c:Customer)
WHERE windowStart < i.at <= windowEnd
  AND (size($kinds) = 0 OR i.kind IN $kinds)
  AND NOT coalesce(c.optedOut, false)
WITH currentRun, c, windowStart, windowEnd,
     sum(coalesce(i.count, 1)) AS interactions,
     count(DISTINCT a) AS amplifiers,
     sum(CASE WHEN i.kind IN ['share', 'quote'] THEN coalesce(i.count, 1) ELSE 0 END) AS shares,
     avg(i.sentiment) AS avgSentiment
WITH c, windowStart, windowEnd, interactions, amplifiers, shares, avgSentiment,
     CASE WHEN c.scoresRunId = currentRun THEN c END AS scored
RETURN c.id AS id,
       c.name AS name,
       c.handle AS handle,
       scored.community AS community,
       interactions,
       amplifiers,
       shares,
       avgSentiment,
       windowStart,
       windowEnd
ORDER BY interactions DESC, amplifiers DESC, id
LIMIT $limit;
