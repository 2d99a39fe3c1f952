// Claim an Idempotency-Key in the transaction that creates the record: the unique constraint on
// CreateKey.key makes a concurrent second create with the same key fail instead of duplicating.
CREATE (k:CreateKey {
  key: $key, fingerprint: $fingerprint, entity_label: $entity_label, entity_id: $entity_id, at: datetime($now)
})
