// Unlink by hand: remove (e)-[r:CONNECTS]->(t) (whoever made it); returns how many were removed.
MATCH (e:Connector {id: $id})
OPTIONAL MATCH (e)-[r:CONNECTS]->(t)
WHERE t:Asset AND t.id = $target_id
DELETE r
RETURN count(r) AS removed
