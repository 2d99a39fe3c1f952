// Areas (LAD, ward, LSOA) with geometry as WKT text and a centroid point inside the area.
UNWIND $rows AS row
MERGE (a:Area {code: row.code})
SET a += row.props, a.centroid = point({latitude: row.lat, longitude: row.lon})
