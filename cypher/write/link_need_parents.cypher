// Narrower need PART_OF broader need; a need has at most one parent.
UNWIND $rows AS row
MATCH (n:Need {id: row.id})
CALL (n, row) {
  OPTIONAL MATCH (n)-[old:PART_OF]->(p:Need)
  WHERE row.parent_id IS NULL OR p.id <> row.parent_id
  DELETE old
}
CALL (n, row) {
  MATCH (p:Need {id: row.parent_id})
  MERGE (n)-[:PART_OF]->(p)
}
