// Assets the batch's reads found to be new, created with their links in one pass (no MERGE look-ups;
// the unique constraint on Asset.id still guards against a concurrent load). The same provenance
// as write/merge_assets (version 1) and the same links as write/link_assets, with the rule of each.
UNWIND $rows AS row
CREATE (a:Asset {id: row.id})
SET a += row.props,
    a.location = point({latitude: row.lat, longitude: row.lon}),
    a.content_hash = row.content_hash,
    a.links_hash = row.links_hash,
    a.version = 1,
    a.created_at = datetime($now),
    a.created_by = $actor,
    a.updated_at = datetime($now),
    a.updated_by = $actor
WITH a, row
CALL (a, row) {
  UNWIND row.area_codes AS code
  MATCH (area:Area {code: code})
  CREATE (a)-[:IN]->(area)
}
CALL (a, row) {
  MATCH (o:Organisation {id: row.organisation_id})
  CREATE (o)-[:RUNS {origin: 'ingest'}]->(a)
}
CALL (a, row) {
  UNWIND row.needs AS t
  MATCH (n:Need {id: t.id})
  CREATE (a)-[:TACKLES {rule: t.rule, origin: 'ingest'}]->(n)
}
CALL (a, row) {
  UNWIND row.audiences AS t
  MATCH (n:Audience {id: t.id})
  CREATE (a)-[:FOR {rule: t.rule, origin: 'ingest'}]->(n)
}
CALL (a, row) {
  UNWIND row.activities AS t
  MATCH (n:Activity {id: t.id})
  CREATE (a)-[:OFFERS {rule: t.rule, origin: 'ingest'}]->(n)
}
