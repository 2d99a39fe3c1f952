// Which assets a connector CONNECTS people to, and which connectors they KNOW.
UNWIND $rows AS row
MATCH (c:Connector {id: row.id})
CALL (c, row) {
  OPTIONAL MATCH (c)-[old:CONNECTS]->(a:Asset)
  WHERE NOT a.id IN row.connects
  DELETE old
}
CALL (c, row) {
  UNWIND row.connects AS asset_id
  MATCH (a:Asset {id: asset_id})
  MERGE (c)-[:CONNECTS]->(a)
}
CALL (c, row) {
  OPTIONAL MATCH (c)-[old:KNOWS]->(other:Connector)
  WHERE NOT other.id IN row.knows
  DELETE old
}
CALL (c, row) {
  UNWIND row.knows AS other_id
  MATCH (other:Connector {id: other_id})
  MERGE (c)-[:KNOWS]->(other)
}
