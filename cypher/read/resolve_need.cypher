// A need by id, name or synonym (terms are stored lower case).
MATCH (n:Need)
WHERE n.id = $term OR $term IN n.terms
RETURN n.id AS id, n.name AS name, n.synonyms AS synonyms, n.id = $term AS by_id
ORDER BY by_id DESC, n.id
LIMIT 1
