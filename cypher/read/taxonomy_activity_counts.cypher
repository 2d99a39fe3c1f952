// For every activity: how many assets (not closed) OFFER it.
MATCH (x:Activity)
RETURN x.id AS id, COUNT { (a:Asset)-[:OFFERS]->(x) WHERE a.status <> 'closed' } AS assets
ORDER BY id
