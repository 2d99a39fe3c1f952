// Top-level needs (no broader need): the needs an area profile scores gaps for.
MATCH (n:Need)
WHERE NOT EXISTS { (n)-[:PART_OF]->(:Need) }
RETURN n.id AS id, n.name AS name
ORDER BY id
