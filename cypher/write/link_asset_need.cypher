// Link by hand: (e)-[r:TACKLES]->(t) for (e:Asset {id: $id}), (t:Need {id: $target_id}); idempotent.
// Returns no row when the target does not exist.
MATCH (e:Asset {id: $id})
MATCH (t:Need {id: $target_id})
MERGE (e)-[r:TACKLES]->(t)
ON CREATE SET r.origin = 'api', r.rule = $rule, r.created_at = datetime($now), r.created_by = $actor
RETURN t.id AS target_id
