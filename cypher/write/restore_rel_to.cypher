// Restore from a backup: create TO relationships between restored nodes (found by element id).
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.start
MATCH (b) WHERE elementId(b) = row.end
CREATE (a)-[r:TO]->(b)
SET r = row.properties
RETURN count(r) AS created
