// Candidate duplicate pairs: assets (not closed) less than $max_distance_m metres apart (point index),
// where the first tackles one of $need_ids or a narrower need (any asset when $need_ids is null).
// Each pair may come back twice (a, b) and (b, a); the caller keeps one. Names are compared in Python.
MATCH (a:Asset)
WHERE a.status <> 'closed'
  AND ($need_ids IS NULL
       OR EXISTS { (a)-[:TACKLES]->(:Need)-[:PART_OF*0..6]->(n:Need) WHERE n.id IN $need_ids })
MATCH (b:Asset)
WHERE point.distance(b.location, a.location) < $max_distance_m AND b <> a AND b.status <> 'closed'
OPTIONAL MATCH (a)-[:IN]->(area:Area {level: $level})
RETURN a.id AS a_id, a.name AS a_name, a.source AS a_source, a.kind AS a_kind,
       b.id AS b_id, b.name AS b_name, b.source AS b_source, b.kind AS b_kind,
       point.distance(a.location, b.location) AS distance_m,
       area.code AS area_code, area.name AS area_name
