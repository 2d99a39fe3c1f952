// Areas of one level ($level) with the need attributes the gap score uses, their parent area and,
// for wards, the population, IMD score and loneliness estimate of the LSOAs inside them.
MATCH (area:Area {level: $level})
OPTIONAL MATCH (area)-[:IN]->(parent:Area)
CALL (area) {
  OPTIONAL MATCH (child:Area {level: 'lsoa'})-[:IN]->(area)
  WITH child ORDER BY child.code
  RETURN collect(child {.code, .population, .imd_score, .loneliness_pct}) AS lsoas
}
RETURN area.code AS code, area.name AS name, area.level AS level, area.population AS population,
       area.imd_score AS imd_score, area.imd_decile AS imd_decile,
       area.loneliness_pct AS loneliness_pct, area.loneliness_decile AS loneliness_decile,
       area.centroid.latitude AS lat, area.centroid.longitude AS lon,
       parent.code AS parent_code, parent.name AS parent_name, lsoas
ORDER BY code
