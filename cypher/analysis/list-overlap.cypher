// How much do two influencer lists overlap, in members and in the people they reach?
//
// For two influencer lists: the customers on both, and the audiences (people who follow, know or
// interact with a member) that both lists reach, beside each list's own totals. One row per
// shared member, plus one summary row (member = null) carrying the totals, first. Opted-out
// customers are never listed and never counted as members.
//
// @param listA: string — first influencer list id (or its exact name)
// @param listB: string — second influencer list id (or its exact name)
//
// Columns:
//   member           a customer on both lists (null on the summary row)
//   rankA            their rank on list A (null on the summary row)
//   rankB            their rank on list B (null on the summary row)
//   membersA         members of list A
//   membersB         members of list B
//   sharedMembers    customers on both lists
//   audienceA        people who follow, know or interact with a member of A (members of A left out)
//   audienceB        the same for list B
//   sharedAudience   people in both audiences
//   audienceJaccard  sharedAudience / people in either audience (0..1)
//
// Order: the summary row first, then rankA ascending, then member.
MATCH (a:InfluencerList) WHERE a.id = $listA OR a.name = $listA
WITH a LIMIT 1
MATCH (b:InfluencerList) WHERE b.id = $listB OR b.name = $listB
WITH a, b LIMIT 1
CALL (a) {
  OPTIONAL MATCH (a)-[:INCLUDES]->(m:Customer) WHERE NOT coalesce(m.optedOut, false)
  RETURN collect(m) AS membersOfA
}
CALL (b) {
  OPTIONAL MATCH (b)-[:INCLUDES]->(m:Customer) WHERE NOT coalesce(m.optedOut, false)
  RETURN collect(m) AS membersOfB
}
CALL (membersOfA) {
  UNWIND membersOfA AS m
  MATCH (m)<-[:FOLLOWS|KNOWS|INTERACTED]-(x:Customer)
  WHERE NOT x IN membersOfA
  RETURN collect(DISTINCT x) AS audA
}
CALL (membersOfB) {
  UNWIND membersOfB AS m
  MATCH (m)<-[:FOLLOWS|KNOWS|INTERACTED]-(x:Customer)
  WHERE NOT x IN membersOfB
  RETURN collect(DISTINCT x) AS audB
}
WITH a, b, membersOfA, membersOfB, audA, audB,
     size([x IN audA WHERE x IN audB]) AS shared
WITH a, b, membersOfA, membersOfB,
     [m IN membersOfA WHERE m IN membersOfB] AS both,
     size(audA) AS audienceA, size(audB) AS audienceB, shared,
     CASE WHEN size(audA) + size(audB) - shared = 0 THEN 0.0 ELSE toFloat(shared) / (size(audA) + size(audB) - shared) END AS jaccard
CALL (a, b, both) {
  UNWIND both AS m
  MATCH (a)-[ra:INCLUDES]->(m)<-[rb:INCLUDES]-(b)
  RETURN collect({member: m.id, rankA: ra.rank, rankB: rb.rank}) AS rows
}
UNWIND [{member: null, rankA: null, rankB: null}] + rows AS row
RETURN row.member AS member,
       row.rankA AS rankA,
       row.rankB AS rankB,
       size(membersOfA) AS membersA,
       size(membersOfB) AS membersB,
       size(both) AS sharedMembers,
       audienceA,
       audienceB,
       shared AS sharedAudience,
       jaccard AS audienceJaccard
ORDER BY CASE WHEN member IS NULL THEN 0 ELSE 1 END, rankA, member;
