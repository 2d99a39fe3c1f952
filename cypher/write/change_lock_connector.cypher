// Take the connector's write lock before reading it (see change_lock_asset): no lost update.
MATCH (c:Connector {id: $id})
SET c._lock = true
REMOVE c._lock
RETURN coalesce(c.version, 0) AS version
