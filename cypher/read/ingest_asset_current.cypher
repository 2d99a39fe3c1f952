// The stored properties of assets about to change, to record what changed (old and new values).
UNWIND $ids AS id
MATCH (a:Asset {id: id})
RETURN a.id AS id, properties(a) AS props
