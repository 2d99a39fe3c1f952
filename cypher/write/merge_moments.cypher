// Social moments and the needs each RAISES.
UNWIND $rows AS row
MERGE (m:Moment {id: row.id})
SET m.name = row.name, m.synonyms = row.synonyms, m.terms = row.terms
WITH m, row
CALL (m, row) {
  OPTIONAL MATCH (m)-[old:RAISES]->(n:Need)
  WHERE NOT n.id IN row.raises
  DELETE old
}
CALL (m, row) {
  UNWIND row.raises AS need_id
  MATCH (n:Need {id: need_id})
  MERGE (m)-[:RAISES]->(n)
}
