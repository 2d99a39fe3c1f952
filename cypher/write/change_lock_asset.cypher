// Take the asset's write lock before reading it, so that a concurrent change waits for this one to
// commit and then sees its version (no lost update). The property is removed again at once.
MATCH (a:Asset {id: $id})
SET a._lock = true
REMOVE a._lock
RETURN coalesce(a.version, 0) AS version
