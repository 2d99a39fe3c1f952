// The token whose secret hashes to $token_hash (unique constraint index seek).
MATCH (t:ApiToken {token_hash: $token_hash})
RETURN t.id AS id, t.name AS name, t.role AS role, t.token_hash AS token_hash,
       t.created_at AS created_at, t.revoked_at AS revoked_at
