// Revoke a token (idempotent: the first revocation time is kept). The node stays, for the record.
MATCH (t:ApiToken {id: $id})
SET t.revoked_at = coalesce(t.revoked_at, datetime($now))
RETURN t.id AS id, t.name AS name, t.role AS role, t.created_at AS created_at, t.revoked_at AS revoked_at
