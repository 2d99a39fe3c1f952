// The areas of one level with their parent, centroid and attributes (to check a boundary or attribute load).
MATCH (a:Area {level: $level})
OPTIONAL MATCH (a)-[:IN]->(p:Area)
RETURN a.code AS code, a.name AS name, p.code AS parent, a.centroid.latitude AS lat,
       a.centroid.longitude AS lon, a.population AS population, a.imd_score AS imd_score,
       a.imd_decile AS imd_decile, a.loneliness_pct AS loneliness_pct, a.loneliness_decile AS loneliness_decile
ORDER BY code
