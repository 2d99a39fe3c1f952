// Unlink by hand: remove (t)-[r:RUNS]->(e) (whoever made it); returns how many were removed.
MATCH (e:Asset {id: $id})
OPTIONAL MATCH (t)-[r:RUNS]->(e)
WHERE t:Organisation AND t.id = $target_id
DELETE r
RETURN count(r) AS removed
