// What the plain-English parser can recognise as a place: GP practices (name, ODS code, location)
// and the areas people name (the local authority and its wards, with their centroids; LSOAs have
// no everyday names).
MATCH (g:GPPractice)
RETURN 'gp' AS kind, g.ods_code AS code, g.name AS name, null AS level,
       g.location.latitude AS lat, g.location.longitude AS lon
UNION ALL
MATCH (a:Area)
WHERE a.level IN ['lad', 'ward']
RETURN 'area' AS kind, a.code AS code, a.name AS name, a.level AS level,
       a.centroid.latitude AS lat, a.centroid.longitude AS lon
