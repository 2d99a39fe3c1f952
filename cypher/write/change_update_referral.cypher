// Apply a change to a referral only if it is still at the version the change was based on
// (a null in $props removes the property). No row returned = the version moved on.
MATCH (r:Referral {id: $id})
WHERE coalesce(r.version, 0) = $expected
SET r += $props,
    r.version = coalesce(r.version, 0) + 1,
    r.updated_at = datetime($now),
    r.updated_by = $actor
RETURN r.version AS version
