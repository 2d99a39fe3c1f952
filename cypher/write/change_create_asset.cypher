// A new asset made through the API (version 1), placed IN its LSOA and ward, with the links given
// at creation. Links made by people carry origin 'api', which a data load never removes.
CREATE (a:Asset {id: $id})
SET a += $props,
    a.location = point({latitude: $lat, longitude: $lon}),
    a.version = 1,
    a.created_at = datetime($now),
    a.created_by = $actor,
    a.updated_at = datetime($now),
    a.updated_by = $actor
WITH a
CALL (a) {
  UNWIND $area_codes AS code
  MATCH (area:Area {code: code})
  MERGE (a)-[:IN]->(area)
}
CALL (a) {
  UNWIND $organisation_ids AS organisation_id
  MATCH (o:Organisation {id: organisation_id})
  MERGE (o)-[r:RUNS]->(a)
  SET r.origin = 'api', r.rule = $rule
}
CALL (a) {
  UNWIND $need_ids AS need_id
  MATCH (n:Need {id: need_id})
  MERGE (a)-[r:TACKLES]->(n)
  SET r.origin = 'api', r.rule = $rule
}
CALL (a) {
  UNWIND $audience_ids AS audience_id
  MATCH (n:Audience {id: audience_id})
  MERGE (a)-[r:FOR]->(n)
  SET r.origin = 'api', r.rule = $rule
}
CALL (a) {
  UNWIND $activity_ids AS activity_id
  MATCH (n:Activity {id: activity_id})
  MERGE (a)-[r:OFFERS]->(n)
  SET r.origin = 'api', r.rule = $rule
}
RETURN a.id AS id
