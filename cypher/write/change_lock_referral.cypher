// Take the referral's write lock before reading it (see change_lock_asset): no lost update.
MATCH (r:Referral {id: $id})
SET r._lock = true
REMOVE r._lock
RETURN coalesce(r.version, 0) AS version
