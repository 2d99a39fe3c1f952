// Apply a change to an asset only if it is still at the version the change was based on
// (a null in $props removes the property). No row returned = the version moved on.
MATCH (a:Asset {id: $id})
WHERE coalesce(a.version, 0) = $expected
SET a += $props,
    a.location = CASE WHEN $lat IS NULL THEN a.location ELSE point({latitude: $lat, longitude: $lon}) END,
    a.version = coalesce(a.version, 0) + 1,
    a.updated_at = datetime($now),
    a.updated_by = $actor
RETURN a.version AS version
