// Organisations keyed by id; a changed row bumps the version.
UNWIND $rows AS row
MERGE (o:Organisation {id: row.id})
ON CREATE SET o.version = 0, o.created_at = datetime($now), o.created_by = $actor
WITH o, row
WHERE o.content_hash IS NULL OR o.content_hash <> row.content_hash
SET o += row.props,
    o.content_hash = row.content_hash,
    o.version = o.version + 1,
    o.updated_at = datetime($now),
    o.updated_by = $actor
RETURN count(o) AS changed
