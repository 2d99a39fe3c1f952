// Every need with the words that name it, to suggest the closest when a term is unknown.
MATCH (n:Need)
RETURN n.id AS id, n.name AS name, n.terms AS terms
ORDER BY n.id
