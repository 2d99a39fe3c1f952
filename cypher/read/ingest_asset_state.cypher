// For each key ("{source}:{source_id}"): the asset with that id, if any, and the record a row
// with that key was merged into before (a SourceRecord SAME_AS another source's asset), if any.
UNWIND $ids AS id
OPTIONAL MATCH (a:Asset {id: id})
OPTIONAL MATCH (s:SourceRecord {key: 'asset:' + id})-[:SAME_AS]->(m:Asset)
RETURN id,
       a.id AS asset_id,
       a.content_hash AS content_hash,
       a.links_hash AS links_hash,
       a.version AS version,
       s.content_hash AS merged_hash,
       s.reason AS merged_reason,
       m.id AS merged_into
