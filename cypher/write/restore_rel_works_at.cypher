// Restore from a backup: create WORKS_AT relationships between restored nodes (found by element id).
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.start
MATCH (b) WHERE elementId(b) = row.end
CREATE (a)-[r:WORKS_AT]->(b)
SET r = row.properties
RETURN count(r) AS created
