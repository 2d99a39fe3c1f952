// What one connector reaches. Hop 1: assets they CONNECTS to, connectors they KNOW (either direction).
// Hop 2: assets the connectors they know CONNECTS to; connectors those know; colleagues who WORK_AT the
// same practice. Closed assets and closed connectors are left out; the caller removes hop-1 items
// and the connector themself from hop 2.
MATCH (c:Connector {id: $id})
CALL (c) {
  OPTIONAL MATCH (c)-[:CONNECTS]->(a:Asset)
  WHERE a.status <> 'closed'
  WITH DISTINCT a ORDER BY a.name, a.id
  RETURN collect(a {.id, .name, .kind}) AS assets_1
}
CALL (c) {
  OPTIONAL MATCH (c)-[:KNOWS]-(p:Connector)
  WHERE p <> c AND coalesce(p.status, 'active') <> 'closed'
  WITH DISTINCT p ORDER BY p.id
  RETURN collect(p {.id, .display_name, .role}) AS people_1
}
CALL (c) {
  OPTIONAL MATCH (c)-[:KNOWS]-(p:Connector)-[:CONNECTS]->(a:Asset)
  WHERE p <> c AND coalesce(p.status, 'active') <> 'closed' AND a.status <> 'closed'
  WITH a, p ORDER BY p.id
  WITH a, collect(DISTINCT p.id) AS via
  ORDER BY a.name, a.id
  RETURN collect(a {.id, .name, .kind, via: via}) AS assets_2
}
CALL (c) {
  OPTIONAL MATCH (c)-[:KNOWS]-(p:Connector)-[:KNOWS]-(q:Connector)
  WHERE p <> c AND q <> c AND coalesce(p.status, 'active') <> 'closed'
    AND coalesce(q.status, 'active') <> 'closed'
  RETURN collect({id: q.id, display_name: q.display_name, role: q.role, via: p.id}) AS known_2
}
CALL (c) {
  OPTIONAL MATCH (c)-[:WORKS_AT]->(g:GPPractice)<-[:WORKS_AT]-(q:Connector)
  WHERE q <> c AND coalesce(q.status, 'active') <> 'closed'
  RETURN collect({id: q.id, display_name: q.display_name, role: q.role, via: g.ods_code}) AS colleagues_2
}
RETURN assets_1, people_1, assets_2, known_2, colleagues_2
