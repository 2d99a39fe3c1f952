// Unlink by hand: remove (e)-[r:FOR]->(t) (whoever made it); returns how many were removed.
MATCH (e:Asset {id: $id})
OPTIONAL MATCH (e)-[r:FOR]->(t)
WHERE t:Audience AND t.id = $target_id
DELETE r
RETURN count(r) AS removed
