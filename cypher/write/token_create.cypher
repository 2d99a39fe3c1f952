// A new API token: only the SHA-256 hash of the secret is stored, never the secret.
CREATE (t:ApiToken {id: $id, name: $name, role: $role, token_hash: $token_hash, created_at: datetime($now)})
RETURN t.id AS id, t.name AS name, t.role AS role, t.created_at AS created_at, t.revoked_at AS revoked_at
