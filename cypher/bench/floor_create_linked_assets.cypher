// bench/write_floor.py only: asset nodes as floor_create_assets, each with its TACKLES links
// carrying a rule and an origin, as write/ingest_create_assets writes them.
UNWIND $rows AS row
CREATE (a:Asset {id: row.id})
SET a += row.props, a.location = point({latitude: row.lat, longitude: row.lon})
WITH a, row
CALL (a, row) {
  UNWIND row.needs AS t
  MATCH (n:Need {id: t.id})
  CREATE (a)-[:TACKLES {rule: t.rule, origin: 'ingest'}]->(n)
}
