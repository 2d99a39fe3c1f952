// Unlink by hand: remove (e)-[r:TACKLES]->(t) (whoever made it); returns how many were removed.
MATCH (e:Asset {id: $id})
OPTIONAL MATCH (e)-[r:TACKLES]->(t)
WHERE t:Need AND t.id = $target_id
DELETE r
RETURN count(r) AS removed
