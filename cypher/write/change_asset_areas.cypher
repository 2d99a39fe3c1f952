// Re-place a moved asset: IN exactly the given areas (its LSOA and ward).
MATCH (a:Asset {id: $id})
CALL (a) {
  OPTIONAL MATCH (a)-[old:IN]->(area:Area)
  WHERE NOT area.code IN $area_codes
  DELETE old
}
CALL (a) {
  UNWIND $area_codes AS code
  MATCH (area:Area {code: code})
  MERGE (a)-[:IN]->(area)
}
RETURN a.id AS id
