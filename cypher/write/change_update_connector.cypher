// Apply a change to a connector only if it is still at the version the change was based on
// (a null in $props removes the property). No row returned = the version moved on.
MATCH (c:Connector {id: $id})
WHERE coalesce(c.version, 0) = $expected
SET c += $props,
    c.version = coalesce(c.version, 0) + 1,
    c.updated_at = datetime($now),
    c.updated_by = $actor
RETURN c.version AS version
