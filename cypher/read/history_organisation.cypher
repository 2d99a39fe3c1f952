// The changes recorded for one Organisation, newest first; no row at all when the Organisation does not exist.
MATCH (e:Organisation {id: $id})
OPTIONAL MATCH (c:Change)-[:OF]->(e)
WITH e, c
ORDER BY c.at DESC, c.version DESC, c.id DESC
WITH e, collect(c {.id, .at, .actor, .action, .version, .fields, .changes_json}) AS changes
RETURN e.id AS id, size(changes) AS total, changes[$offset..($offset + $limit)] AS changes
