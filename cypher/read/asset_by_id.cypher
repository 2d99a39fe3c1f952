// One asset with everything its public record shows: properties, location, organisations that
// RUN it, needs it TACKLES, audiences it is FOR, activities it OFFERS, and the areas it is IN.
MATCH (a:Asset {id: $id})
RETURN properties(a) AS props,
       a.location.latitude AS lat, a.location.longitude AS lon,
       COLLECT { MATCH (o:Organisation)-[:RUNS]->(a) RETURN o {.id, .name} ORDER BY o.id } AS organisations,
       COLLECT { MATCH (a)-[:TACKLES]->(n:Need) RETURN n {.id, .name} ORDER BY n.id } AS needs,
       COLLECT { MATCH (a)-[:FOR]->(n:Audience) RETURN n {.id, .name} ORDER BY n.id } AS audiences,
       COLLECT { MATCH (a)-[:OFFERS]->(n:Activity) RETURN n {.id, .name} ORDER BY n.id } AS activities,
       COLLECT { MATCH (a)-[:IN]->(ar:Area) RETURN ar {.code, .name, .level} ORDER BY ar.level, ar.code } AS areas
