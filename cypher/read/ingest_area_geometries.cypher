// Boundaries of the given levels, to place points in areas in Python (shapely).
MATCH (a:Area)
WHERE a.level IN $levels AND a.geometry_wkt IS NOT NULL
RETURN a.code AS code, a.name AS name, a.level AS level, a.geometry_wkt AS geometry_wkt
ORDER BY a.code
