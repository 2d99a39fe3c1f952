// For every audience: how many assets (not closed) are FOR it.
MATCH (x:Audience)
RETURN x.id AS id, COUNT { (a:Asset)-[:FOR]->(x) WHERE a.status <> 'closed' } AS assets
ORDER BY id
