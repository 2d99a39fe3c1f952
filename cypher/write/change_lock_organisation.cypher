// Take the organisation's write lock before reading it (see change_lock_asset): no lost update.
MATCH (o:Organisation {id: $id})
SET o._lock = true
REMOVE o._lock
RETURN coalesce(o.version, 0) AS version
