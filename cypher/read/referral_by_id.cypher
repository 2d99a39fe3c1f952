// One pseudonymous referral: practice, asset, connector, date, outcome. No patient data exists to return.
MATCH (r:Referral {id: $id})
RETURN properties(r) AS props,
       COLLECT { MATCH (r)-[:FROM]->(g:GPPractice) RETURN g {id: g.ods_code, .name} } AS practice,
       COLLECT { MATCH (r)-[:TO]->(a:Asset) RETURN a {.id, .name, .status} } AS asset,
       COLLECT { MATCH (r)-[:VIA]->(c:Connector) RETURN c {.id, name: c.display_name} } AS connector
