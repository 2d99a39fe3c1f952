// Apply a change to a organisation only if it is still at the version the change was based on
// (a null in $props removes the property). No row returned = the version moved on.
MATCH (o:Organisation {id: $id})
WHERE coalesce(o.version, 0) = $expected
SET o += $props,
    o.version = coalesce(o.version, 0) + 1,
    o.updated_at = datetime($now),
    o.updated_by = $actor
RETURN o.version AS version
