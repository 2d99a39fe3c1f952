// Restore from a backup: create Need nodes with their properties exactly as backed up.
UNWIND $rows AS row
CREATE (n:Need)
SET n = row.properties
RETURN row.n AS n, elementId(n) AS element_id
