// For every social moment: how many assets (not closed) tackle a need it RAISES, or a narrower one.
MATCH (m:Moment)
CALL (m) {
  OPTIONAL MATCH (m)-[:RAISES]->(:Need)<-[:PART_OF*0..6]-(:Need)<-[:TACKLES]-(a:Asset)
  WHERE a.status <> 'closed'
  RETURN count(DISTINCT a) AS assets
}
RETURN m.id AS id, assets
ORDER BY id
