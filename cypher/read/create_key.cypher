// What a create with this (hashed, caller-scoped) Idempotency-Key made, if it was made.
MATCH (k:CreateKey {key: $key})
RETURN k.entity_label AS entity_label, k.entity_id AS entity_id, k.fingerprint AS fingerprint
