// The audiences people can pick on the search and add-a-group forms.
MATCH (n:Audience)
RETURN n.id AS id, n.name AS name
ORDER BY name, id
