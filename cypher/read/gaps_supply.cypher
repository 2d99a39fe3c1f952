// Supply for the gap score: assets (not closed) that TACKLE one of $need_ids or a narrower need,
// within $radius_m metres of the centroid of each area of level $level. One row per area and need
// (areas with no such asset have no row). Each asset is seeked through the Area centroid point index.
MATCH (n:Need)
WHERE n.id IN $need_ids
MATCH (a:Asset)-[:TACKLES]->(:Need)-[:PART_OF*0..6]->(n)
WHERE a.status <> 'closed'
WITH DISTINCT n.id AS need_id, a
MATCH (area:Area)
WHERE point.distance(area.centroid, a.location) <= $radius_m AND area.level = $level
WITH area.code AS code, need_id, a
ORDER BY a.id
RETURN code, need_id,
       collect({id: a.id, capacity: a.capacity, spare_places: a.spare_places,
                illustrative: coalesce(a.capacity_illustrative, false)}) AS assets
