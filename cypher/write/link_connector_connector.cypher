// Two connectors KNOW each other (one relationship, either direction, counts); idempotent.
// Returns no row when the other connector does not exist.
MATCH (e:Connector {id: $id})
MATCH (t:Connector {id: $target_id})
FOREACH (_ IN CASE WHEN EXISTS { (e)-[:KNOWS]-(t) } THEN [] ELSE [1] END |
  CREATE (e)-[:KNOWS {origin: 'api', rule: $rule, created_at: datetime($now), created_by: $actor}]->(t)
)
RETURN t.id AS target_id
