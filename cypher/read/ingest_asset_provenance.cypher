// An asset's own provenance and the rows of other sources merged into it.
MATCH (a:Asset {id: $id})
OPTIONAL MATCH (s:SourceRecord)-[:SAME_AS]->(a)
WITH a, s ORDER BY s.key
RETURN a.id AS id, a.source AS source, a.source_id AS source_id, a.version AS version,
       collect(s {.key, .source, .source_id, .name, .file, .reason, .merged_at}) AS merged
