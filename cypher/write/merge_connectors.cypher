// Connectors (minimal personal data) and where they work.
UNWIND $rows AS row
MERGE (c:Connector {id: row.id})
SET c.display_name = row.display_name, c.role = row.role, c.illustrative = row.illustrative
WITH c, row
CALL (c, row) {
  OPTIONAL MATCH (c)-[old:WORKS_AT]->(g:GPPractice)
  WHERE row.works_at IS NULL OR g.ods_code <> row.works_at
  DELETE old
}
CALL (c, row) {
  MATCH (g:GPPractice {ods_code: row.works_at})
  MERGE (c)-[:WORKS_AT]->(g)
}
