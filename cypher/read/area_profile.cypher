// One area's profile: attributes, parent and children, assets (not closed) by kind and by need
// (narrower needs counted under broader ones), GP practices and connectors working in it.
// Assets and practices are IN an LSOA and a ward; a local authority holds what is IN its wards.
MATCH (area:Area {code: $code})
OPTIONAL MATCH (area)-[:IN]->(parent:Area)
CALL (area) {
  OPTIONAL MATCH (child:Area)-[:IN]->(area)
  WITH child ORDER BY child.code
  RETURN collect(child {.code, .name, .level, .population, .imd_score, .imd_decile, .loneliness_pct}) AS children
}
CALL (area) {
  CALL (area) {
    MATCH (a:Asset)-[:IN]->(area)
    RETURN a
    UNION
    MATCH (a:Asset)-[:IN]->(:Area {level: 'ward'})-[:IN]->(area)
    WHERE area.level = 'lad'
    RETURN a
  }
  WITH a WHERE a.status <> 'closed'
  RETURN collect(DISTINCT a) AS assets
}
CALL (area) {
  CALL (area) {
    MATCH (g:GPPractice)-[:IN]->(area)
    RETURN g
    UNION
    MATCH (g:GPPractice)-[:IN]->(:Area {level: 'ward'})-[:IN]->(area)
    WHERE area.level = 'lad'
    RETURN g
  }
  WITH DISTINCT g ORDER BY g.name, g.ods_code
  RETURN collect(g) AS practices
}
CALL (assets) {
  UNWIND assets AS a
  WITH a.kind AS kind, count(*) AS n
  ORDER BY kind
  RETURN collect({kind: kind, assets: n}) AS by_kind
}
CALL (assets) {
  UNWIND assets AS a
  MATCH (a)-[:TACKLES]->(:Need)-[:PART_OF*0..6]->(n:Need)
  WITH n, count(DISTINCT a) AS c
  ORDER BY c DESC, n.id
  RETURN collect({id: n.id, name: n.name, assets: c, top_level: NOT EXISTS { (n)-[:PART_OF]->(:Need) }}) AS by_need
}
CALL (practices) {
  UNWIND practices AS g
  MATCH (c:Connector)-[:WORKS_AT]->(g)
  WHERE coalesce(c.status, 'active') <> 'closed'
  RETURN collect(DISTINCT c {.id, .role, .illustrative}) AS working_here
}
CALL (assets) {
  UNWIND assets AS a
  MATCH (c:Connector)-[:CONNECTS]->(a)
  WHERE coalesce(c.status, 'active') <> 'closed'
  RETURN collect(DISTINCT c {.id, .role, .illustrative}) AS connecting_here
}
RETURN area.code AS code, area.name AS name, area.level AS level, area.population AS population,
       area.imd_score AS imd_score, area.imd_decile AS imd_decile,
       area.loneliness_pct AS loneliness_pct, area.loneliness_decile AS loneliness_decile,
       area.centroid.latitude AS lat, area.centroid.longitude AS lon,
       parent {.code, .name, .level, .population} AS parent, children, size(assets) AS asset_count,
       by_kind, by_need, [g IN practices | g {.ods_code, .name, .list_size, .postcode}] AS practices,
       working_here, connecting_here
