// bench/write_floor.py only: bare asset nodes (id, properties, location), nothing else.
UNWIND $rows AS row
CREATE (a:Asset {id: row.id})
SET a += row.props, a.location = point({latitude: row.lat, longitude: row.lon})
