// LSOA and ward boundaries, to place imported ORUK assets IN their areas.
MATCH (a:Area)
WHERE a.level IN ['lsoa', 'ward']
RETURN a.code AS code, a.level AS level, a.geometry_wkt AS geometry_wkt
