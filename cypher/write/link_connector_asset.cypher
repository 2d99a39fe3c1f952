// Link by hand: (e)-[r:CONNECTS]->(t) for (e:Connector {id: $id}), (t:Asset {id: $target_id}); idempotent.
// Returns no row when the target does not exist.
MATCH (e:Connector {id: $id})
MATCH (t:Asset {id: $target_id})
MERGE (e)-[r:CONNECTS]->(t)
ON CREATE SET r.origin = 'api', r.rule = $rule, r.created_at = datetime($now), r.created_by = $actor
RETURN t.id AS target_id
