// For every need: how many assets (not closed) TACKLE it directly, and how many tackle it or a
// narrower need (PART_OF, any depth up to 6).
MATCH (n:Need)
CALL (n) {
  OPTIONAL MATCH (a:Asset)-[:TACKLES]->(:Need)-[:PART_OF*0..6]->(n)
  WHERE a.status <> 'closed'
  RETURN count(DISTINCT a) AS with_narrower
}
RETURN n.id AS id,
       COUNT { (a:Asset)-[:TACKLES]->(n) WHERE a.status <> 'closed' } AS direct,
       with_narrower
ORDER BY id
