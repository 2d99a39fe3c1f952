// Backup: every node with its labels and properties (streamed in one read transaction).
MATCH (n)
RETURN elementId(n) AS element_id, labels(n) AS labels, properties(n) AS properties
