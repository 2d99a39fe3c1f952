// One connector: minimal personal data, where they work, the assets they CONNECT people to and the
// connectors they KNOW (either direction).
MATCH (c:Connector {id: $id})
RETURN properties(c) AS props,
       COLLECT { MATCH (c)-[:WORKS_AT]->(g:GPPractice) RETURN g {id: g.ods_code, .name} ORDER BY g.ods_code } AS works_at,
       COLLECT { MATCH (c)-[:CONNECTS]->(a:Asset) RETURN a {.id, .name} ORDER BY a.id } AS connects,
       COLLECT {
         MATCH (c)-[:KNOWS]-(o:Connector)
         WITH DISTINCT o
         RETURN o {.id, name: o.display_name} ORDER BY o.id
       } AS knows
