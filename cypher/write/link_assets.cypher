// An asset's ingest-made links: IN areas, RUNS from its organisation, TACKLES / FOR / OFFERS with
// the classifier rule that made each. Links made by people (origin other than 'ingest') are kept.
UNWIND $rows AS row
MATCH (a:Asset {id: row.id})
CALL (a, row) {
  OPTIONAL MATCH (a)-[old:IN]->(area:Area)
  WHERE NOT area.code IN row.area_codes
  DELETE old
}
CALL (a, row) {
  UNWIND row.area_codes AS code
  MATCH (area:Area {code: code})
  MERGE (a)-[:IN]->(area)
}
CALL (a, row) {
  OPTIONAL MATCH (a)<-[old:RUNS {origin: 'ingest'}]-(o:Organisation)
  WHERE row.organisation_id IS NULL OR o.id <> row.organisation_id
  DELETE old
}
CALL (a, row) {
  MATCH (o:Organisation {id: row.organisation_id})
  MERGE (o)-[r:RUNS]->(a)
  SET r.origin = 'ingest'
}
CALL (a, row) {
  OPTIONAL MATCH (a)-[old:TACKLES {origin: 'ingest'}]->(n:Need)
  WHERE NOT n.id IN [t IN row.needs | t.id]
  DELETE old
}
CALL (a, row) {
  UNWIND row.needs AS t
  MATCH (n:Need {id: t.id})
  MERGE (a)-[r:TACKLES]->(n)
  SET r.rule = t.rule, r.origin = 'ingest'
}
CALL (a, row) {
  OPTIONAL MATCH (a)-[old:FOR {origin: 'ingest'}]->(n:Audience)
  WHERE NOT n.id IN [t IN row.audiences | t.id]
  DELETE old
}
CALL (a, row) {
  UNWIND row.audiences AS t
  MATCH (n:Audience {id: t.id})
  MERGE (a)-[r:FOR]->(n)
  SET r.rule = t.rule, r.origin = 'ingest'
}
CALL (a, row) {
  OPTIONAL MATCH (a)-[old:OFFERS {origin: 'ingest'}]->(n:Activity)
  WHERE NOT n.id IN [t IN row.activities | t.id]
  DELETE old
}
CALL (a, row) {
  UNWIND row.activities AS t
  MATCH (n:Activity {id: t.id})
  MERGE (a)-[r:OFFERS]->(n)
  SET r.rule = t.rule, r.origin = 'ingest'
}
