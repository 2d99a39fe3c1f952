// LSOAs and wards whose centroid is within $radius_m of a point, with their geometry, so that the
// one containing the point can be found in Python (shapely).
WITH point({latitude: $lat, longitude: $lon}) AS here
MATCH (a:Area)
WHERE point.distance(a.centroid, here) <= $radius_m AND a.level IN ['lsoa', 'ward']
RETURN a.code AS code, a.level AS level, a.geometry_wkt AS geometry_wkt,
       point.distance(a.centroid, here) AS distance_m
ORDER BY distance_m
