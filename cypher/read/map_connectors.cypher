// Every connector, where their GP practice is (if they work at one), and the open assets they CONNECT to.
MATCH (c:Connector)
OPTIONAL MATCH (c)-[:WORKS_AT]->(g:GPPractice)
WITH c, head(collect(g)) AS practice
OPTIONAL MATCH (c)-[:CONNECTS]->(a:Asset)
WHERE a.status <> 'closed'
WITH c, practice, collect(DISTINCT a.id) AS connects
RETURN c.id AS id, c.display_name AS display_name, c.role AS role,
       coalesce(c.illustrative, false) AS illustrative,
       practice.ods_code AS works_at,
       practice.location.latitude AS lat, practice.location.longitude AS lon,
       connects
ORDER BY id
