// Where a connector works: WORKS_AT exactly the GP practice $works_at (none when null).
MATCH (c:Connector {id: $id})
CALL (c) {
  OPTIONAL MATCH (c)-[old:WORKS_AT]->(g:GPPractice)
  WHERE $works_at IS NULL OR g.ods_code <> $works_at
  DELETE old
}
CALL (c) {
  MATCH (g:GPPractice {ods_code: $works_at})
  MERGE (c)-[:WORKS_AT]->(g)
}
RETURN c.id AS id
