// Every API token (never the secret, which is not stored), oldest first.
MATCH (t:ApiToken)
RETURN t.id AS id, t.name AS name, t.role AS role, t.created_at AS created_at, t.revoked_at AS revoked_at
ORDER BY t.created_at, t.id
