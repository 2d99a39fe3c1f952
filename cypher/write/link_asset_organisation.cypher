// Link by hand: (t)-[r:RUNS]->(e) for (e:Asset {id: $id}), (t:Organisation {id: $target_id}); idempotent.
// Returns no row when the target does not exist.
MATCH (e:Asset {id: $id})
MATCH (t:Organisation {id: $target_id})
MERGE (t)-[r:RUNS]->(e)
ON CREATE SET r.origin = 'api', r.rule = $rule, r.created_at = datetime($now), r.created_by = $actor
RETURN t.id AS target_id
