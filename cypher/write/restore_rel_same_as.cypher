// Restore from a backup: create SAME_AS relationships between restored nodes (found by element id).
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.start
MATCH (b) WHERE elementId(b) = row.end
CREATE (a)-[r:SAME_AS]->(b)
SET r = row.properties
RETURN count(r) AS created
