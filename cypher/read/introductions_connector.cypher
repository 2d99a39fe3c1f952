// A connector by id (for introductions and reach): name, role, status and where they work.
MATCH (c:Connector {id: $id})
OPTIONAL MATCH (c)-[:WORKS_AT]->(g:GPPractice)
RETURN c.id AS id, c.display_name AS display_name, c.role AS role, coalesce(c.status, 'active') AS status,
       coalesce(c.illustrative, false) AS illustrative,
       collect(g {.ods_code, .name}) AS works_at
