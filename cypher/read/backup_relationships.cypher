// Backup: every relationship with its type, properties and end nodes (as element ids of the same transaction).
MATCH (a)-[r]->(b)
RETURN elementId(a) AS start, elementId(b) AS end, type(r) AS type, properties(r) AS properties
