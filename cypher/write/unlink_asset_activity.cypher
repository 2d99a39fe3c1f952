// Unlink by hand: remove (e)-[r:OFFERS]->(t) (whoever made it); returns how many were removed.
MATCH (e:Asset {id: $id})
OPTIONAL MATCH (e)-[r:OFFERS]->(t)
WHERE t:Activity AND t.id = $target_id
DELETE r
RETURN count(r) AS removed
