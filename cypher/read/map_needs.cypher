// Every need with its name and broader need, for map styles, legends and the search form.
MATCH (n:Need)
OPTIONAL MATCH (n)-[:PART_OF]->(parent:Need)
RETURN n.id AS id, n.name AS name, parent.id AS parent_id
ORDER BY name, id
