// A row merged into another source's asset keeps its provenance: a SourceRecord SAME_AS the asset.
UNWIND $rows AS row
MATCH (a:Asset {id: row.asset_id})
MERGE (s:SourceRecord {key: 'asset:' + row.id})
ON CREATE SET s.source = row.source, s.source_id = row.source_id, s.merged_at = datetime($now),
              s.merged_by = $actor
SET s.name = row.name, s.file = row.file, s.reason = row.reason, s.content_hash = row.content_hash,
    s.updated_at = datetime($now)
WITH s, a
CALL (s, a) {
  OPTIONAL MATCH (s)-[old:SAME_AS]->(other)
  WHERE other <> a
  DELETE old
}
MERGE (s)-[:SAME_AS]->(a)
