// Every connector (not closed) with the ids of what they reach in 1 and 2 hops (see connector_reach);
// the caller counts distinct ids and ranks.
MATCH (c:Connector)
WHERE coalesce(c.status, 'active') <> 'closed'
OPTIONAL MATCH (c)-[:WORKS_AT]->(g:GPPractice)
WITH c, collect(g {.ods_code, .name}) AS works_at
CALL (c) {
  OPTIONAL MATCH (c)-[:CONNECTS]->(a:Asset)
  WHERE a.status <> 'closed'
  RETURN collect(DISTINCT a.id) AS assets_1
}
CALL (c) {
  OPTIONAL MATCH (c)-[:KNOWS]-(p:Connector)
  WHERE p <> c AND coalesce(p.status, 'active') <> 'closed'
  RETURN collect(DISTINCT p.id) AS people_1
}
CALL (c) {
  OPTIONAL MATCH (c)-[:KNOWS]-(p:Connector)-[:CONNECTS]->(a:Asset)
  WHERE p <> c AND coalesce(p.status, 'active') <> 'closed' AND a.status <> 'closed'
  RETURN collect(DISTINCT a.id) AS assets_2
}
CALL (c) {
  OPTIONAL MATCH (c)-[:KNOWS]-(p:Connector)-[:KNOWS]-(q:Connector)
  WHERE p <> c AND q <> c AND coalesce(p.status, 'active') <> 'closed'
    AND coalesce(q.status, 'active') <> 'closed'
  RETURN collect(DISTINCT q.id) AS known_2
}
CALL (c) {
  OPTIONAL MATCH (c)-[:WORKS_AT]->(:GPPractice)<-[:WORKS_AT]-(q:Connector)
  WHERE q <> c AND coalesce(q.status, 'active') <> 'closed'
  RETURN collect(DISTINCT q.id) AS colleagues_2
}
RETURN c.id AS id, c.display_name AS display_name, c.role AS role,
       coalesce(c.illustrative, false) AS illustrative, works_at,
       assets_1, people_1, assets_2, known_2, colleagues_2
ORDER BY id
