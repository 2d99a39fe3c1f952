// The connector a referral went VIA: exactly $connector_id (none when null).
MATCH (r:Referral {id: $id})
CALL (r) {
  OPTIONAL MATCH (r)-[old:VIA]->(c:Connector)
  WHERE $connector_id IS NULL OR c.id <> $connector_id
  DELETE old
}
CALL (r) {
  MATCH (c:Connector {id: $connector_id})
  MERGE (r)-[:VIA]->(c)
}
RETURN r.id AS id
