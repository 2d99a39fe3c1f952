// Assets (any status) within $radius_m metres of a point: candidates for a duplicate warning.
WITH point({latitude: $lat, longitude: $lon}) AS here
MATCH (a:Asset)
WHERE point.distance(a.location, here) <= $radius_m
RETURN a.id AS id, a.name AS name, a.status AS status, point.distance(a.location, here) AS distance_m
ORDER BY distance_m, id
