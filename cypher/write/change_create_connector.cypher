// A new connector made through the API (version 1), WORKS_AT a GP practice when one is given.
CREATE (c:Connector {id: $id})
SET c += $props,
    c.illustrative = false,
    c.version = 1,
    c.created_at = datetime($now),
    c.created_by = $actor,
    c.updated_at = datetime($now),
    c.updated_by = $actor
WITH c
CALL (c) {
  MATCH (g:GPPractice {ods_code: $works_at})
  MERGE (c)-[:WORKS_AT]->(g)
}
RETURN c.id AS id
