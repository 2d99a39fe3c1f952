// The need taxonomy, with synonyms (lower case) used to resolve what people type.
UNWIND $rows AS row
MERGE (n:Need {id: row.id})
SET n.name = row.name, n.synonyms = row.synonyms, n.terms = row.terms
