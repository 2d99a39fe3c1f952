// Postcode centroids used to answer "near postcode:...". Keyed by the normalised postcode.
UNWIND $rows AS row
MERGE (p:Postcode {code: row.code})
SET p.location = point({latitude: row.lat, longitude: row.lon}), p.lad = row.lad
