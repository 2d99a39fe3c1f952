// The assets of one source with their versions and what the version was computed from
// (to check a reload: same file, same versions).
MATCH (a:Asset {source: $source})
OPTIONAL MATCH (o:Organisation)-[:RUNS]->(a)
RETURN a.id AS id, a.source_id AS source_id, a.name AS name, a.version AS version,
       a.content_hash AS content_hash, a.links_hash AS links_hash, a.postcode AS postcode,
       a.location.latitude AS lat, a.location.longitude AS lon, a.kind AS kind, a.cost AS cost,
       o.id AS organisation_id,
       COUNT { (a)-[:TACKLES]->(:Need) } AS needs,
       COUNT { (a)-[:IN]->(:Area) } AS areas
ORDER BY id
