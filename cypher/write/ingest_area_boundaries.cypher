// Area boundaries: name, level, geometry (WKT) and a point inside; attributes (IMD, ...) are kept.
UNWIND $rows AS row
MERGE (a:Area {code: row.code})
SET a.name = row.name, a.level = row.level, a.geometry_wkt = row.geometry_wkt,
    a.centroid = point({latitude: row.lat, longitude: row.lon})
