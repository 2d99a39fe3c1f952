// Our vocabularies as ORUK taxonomy terms: needs (with their PART_OF parent), activities, audiences.
CALL () {
  MATCH (n:Need)
  OPTIONAL MATCH (n)-[:PART_OF]->(p:Need)
  WITH n, min(p.id) AS parent_id
  RETURN 'need' AS kind, n.id AS id, n.name AS name, parent_id
  UNION ALL
  MATCH (n:Activity)
  RETURN 'activity' AS kind, n.id AS id, n.name AS name, null AS parent_id
  UNION ALL
  MATCH (n:Audience)
  RETURN 'audience' AS kind, n.id AS id, n.name AS name, null AS parent_id
}
RETURN kind, id, name, parent_id
ORDER BY kind, id
