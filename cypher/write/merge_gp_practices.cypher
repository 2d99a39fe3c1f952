// GP practices keyed by ODS code, placed IN their LSOA and ward.
UNWIND $rows AS row
MERGE (g:GPPractice {ods_code: row.ods_code})
SET g += row.props, g.location = point({latitude: row.lat, longitude: row.lon})
WITH g, row
CALL (g, row) {
  OPTIONAL MATCH (g)-[old:IN]->(area:Area)
  WHERE NOT area.code IN row.area_codes
  DELETE old
}
CALL (g, row) {
  UNWIND row.area_codes AS code
  MATCH (area:Area {code: code})
  MERGE (g)-[:IN]->(area)
}
