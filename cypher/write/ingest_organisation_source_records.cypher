// An organisation named by a row that is another source's organisation (same id, charity or
// company number) keeps the row's provenance: a SourceRecord SAME_AS that organisation.
UNWIND $rows AS row
MATCH (o:Organisation {id: row.organisation_id})
MERGE (s:SourceRecord {key: 'organisation:' + row.source + ':' + row.id})
ON CREATE SET s.source = row.source, s.source_id = row.id, s.merged_at = datetime($now), s.merged_by = $actor
SET s.name = row.name, s.reason = row.reason, s.updated_at = datetime($now)
WITH s, o
CALL (s, o) {
  OPTIONAL MATCH (s)-[old:SAME_AS]->(other)
  WHERE other <> o
  DELETE old
}
MERGE (s)-[:SAME_AS]->(o)
