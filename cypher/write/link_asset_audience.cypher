// Link by hand: (e)-[r:FOR]->(t) for (e:Asset {id: $id}), (t:Audience {id: $target_id}); idempotent.
// Returns no row when the target does not exist.
MATCH (e:Asset {id: $id})
MATCH (t:Audience {id: $target_id})
MERGE (e)-[r:FOR]->(t)
ON CREATE SET r.origin = 'api', r.rule = $rule, r.created_at = datetime($now), r.created_by = $actor
RETURN t.id AS target_id
