// History: one (:Change)-[:OF]->(:Connector) per row, written in the caller's transaction.
// Rows: {id, entity_id, at (ISO datetime), actor, actor_token, action, version, fields, changes_json}.
UNWIND $rows AS row
MATCH (e:Connector {id: row.entity_id})
CREATE (c:Change {
  id: row.id, entity_label: 'Connector', entity_id: row.entity_id, at: datetime(row.at), actor: row.actor,
  actor_token: row.actor_token, action: row.action, version: row.version, fields: row.fields,
  changes_json: row.changes_json
})-[:OF]->(e)
RETURN count(c) AS recorded
