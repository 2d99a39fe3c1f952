// Assets keyed by id. Properties change, and the version goes up, only when the row changed.
UNWIND $rows AS row
MERGE (a:Asset {id: row.id})
ON CREATE SET a.version = 0, a.created_at = datetime($now), a.created_by = $actor
WITH a, row
WHERE a.content_hash IS NULL OR a.content_hash <> row.content_hash
SET a += row.props,
    a.location = point({latitude: row.lat, longitude: row.lon}),
    a.content_hash = row.content_hash,
    a.version = a.version + 1,
    a.updated_at = datetime($now),
    a.updated_by = $actor
RETURN count(a) AS changed
