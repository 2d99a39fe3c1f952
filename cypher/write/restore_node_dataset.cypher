// Restore from a backup: create Dataset nodes with their properties exactly as backed up.
UNWIND $rows AS row
CREATE (n:Dataset)
SET n = row.properties
RETURN row.n AS n, elementId(n) AS element_id
