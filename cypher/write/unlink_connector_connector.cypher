// Two connectors no longer KNOW each other: remove the relationship in either direction.
MATCH (e:Connector {id: $id})
OPTIONAL MATCH (e)-[r:KNOWS]-(t:Connector {id: $target_id})
DELETE r
RETURN count(r) AS removed
