// Activities an asset OFFERS.
UNWIND $rows AS row
MERGE (n:Activity {id: row.id})
SET n.name = row.name, n.synonyms = row.synonyms, n.terms = row.terms
