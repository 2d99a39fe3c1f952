// Unrevoked tokens with this name (names of active tokens are unique: they are the actor in history).
MATCH (t:ApiToken {name: $name})
WHERE t.revoked_at IS NULL
RETURN t.id AS id
