// Areas of the given levels with their boundary (WKT) and need attributes, for choropleths and outlines.
MATCH (a:Area)
WHERE a.level IN $levels
RETURN a.code AS code, a.name AS name, a.level AS level, a.geometry_wkt AS geometry_wkt,
       a.imd_decile AS imd_decile, a.loneliness_pct AS loneliness_pct, a.population AS population
ORDER BY level, code
