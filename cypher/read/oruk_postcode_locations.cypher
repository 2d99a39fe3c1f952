// Postcode centroids, to place ORUK locations that have a postcode but no usable coordinates.
UNWIND $codes AS code
MATCH (p:Postcode {code: code})
RETURN p.code AS code, p.location.latitude AS lat, p.location.longitude AS lon
