// A new organisation made through the API (version 1).
CREATE (o:Organisation {id: $id})
SET o += $props,
    o.version = 1,
    o.created_at = datetime($now),
    o.created_by = $actor,
    o.updated_at = datetime($now),
    o.updated_by = $actor
RETURN o.id AS id
