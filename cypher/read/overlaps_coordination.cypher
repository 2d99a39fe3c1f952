// Coordination opportunities: areas of level $level where two or more organisations RUN assets (not
// closed) that TACKLE one of $need_ids or a narrower need. One row per area and need.
MATCH (n:Need)
WHERE n.id IN $need_ids
MATCH (a:Asset)-[:TACKLES]->(:Need)-[:PART_OF*0..6]->(n)
WHERE a.status <> 'closed'
WITH DISTINCT n, a
MATCH (o:Organisation)-[:RUNS]->(a)
MATCH (a)-[:IN]->(area:Area {level: $level})
WITH area, n, o, a
ORDER BY a.name, a.id
WITH area, n, o, collect(a {.id, .name, .kind}) AS assets
ORDER BY o.name, o.id
WITH area, n, collect({id: o.id, name: o.name, assets: assets}) AS organisations
WHERE size(organisations) >= 2
RETURN area.code AS code, area.name AS name, area.level AS level, n.id AS need_id, n.name AS need_name,
       organisations
ORDER BY size(organisations) DESC, code, need_id
