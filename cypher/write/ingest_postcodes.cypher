// Postcode centroids from an ONS postcode directory, with the local authority code and name.
UNWIND $rows AS row
MERGE (p:Postcode {code: row.code})
SET p.location = point({latitude: row.lat, longitude: row.lon}), p.lad = row.lad, p.lad_name = row.lad_name
