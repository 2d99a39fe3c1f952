// A postcode centroid, as a search origin.
MATCH (p:Postcode {code: $code})
RETURN p.code AS code, p.location.latitude AS lat, p.location.longitude AS lon
