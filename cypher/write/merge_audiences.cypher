// Audiences an asset can be FOR.
UNWIND $rows AS row
MERGE (n:Audience {id: row.id})
SET n.name = row.name, n.synonyms = row.synonyms, n.terms = row.terms
