// GP practices from an NHS ODS file: only the properties the file gives are set (a list size or
// locality from another file stays); IN links are replaced only when the practice was placed.
UNWIND $rows AS row
MERGE (g:GPPractice {ods_code: row.ods_code})
SET g += row.props, g.location = point({latitude: row.lat, longitude: row.lon})
WITH g, row
CALL (g, row) {
  OPTIONAL MATCH (g)-[old:IN]->(area:Area)
  WHERE size(row.area_codes) > 0 AND NOT area.code IN row.area_codes
  DELETE old
}
CALL (g, row) {
  UNWIND row.area_codes AS code
  MATCH (area:Area {code: code})
  MERGE (g)-[:IN]->(area)
}
