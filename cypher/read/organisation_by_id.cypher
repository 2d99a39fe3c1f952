// One organisation with the assets it RUNS.
MATCH (o:Organisation {id: $id})
RETURN properties(o) AS props,
       COLLECT { MATCH (o)-[:RUNS]->(a:Asset) RETURN a {.id, .name} ORDER BY a.id } AS assets
