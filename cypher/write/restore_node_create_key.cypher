// Restore from a backup: create CreateKey nodes with their properties exactly as backed up.
UNWIND $rows AS row
CREATE (n:CreateKey)
SET n = row.properties
RETURN row.n AS n, elementId(n) AS element_id
