// Assets (not closed) that no connector CONNECTS to, optionally only those tackling one of $need_ids
// (or a narrower need) and of kind $kind; ordered by name and id, one page ($offset, $limit) plus the total.
MATCH (a:Asset)
WHERE a.status <> 'closed'
  AND NOT EXISTS { (:Connector)-[:CONNECTS]->(a) }
  AND ($kind IS NULL OR a.kind = $kind)
  AND ($need_ids IS NULL
       OR EXISTS { (a)-[:TACKLES]->(:Need)-[:PART_OF*0..6]->(n:Need) WHERE n.id IN $need_ids })
WITH a
ORDER BY a.name, a.id
WITH collect(a) AS assets
RETURN size(assets) AS total,
       [a IN assets[$offset..($offset + $limit)] | a {
          .id, .name, .kind, .source, .postcode,
          organisations: COLLECT { MATCH (o:Organisation)-[:RUNS]->(a) RETURN o.name ORDER BY o.name },
          wards: COLLECT { MATCH (a)-[:IN]->(w:Area {level: 'ward'}) RETURN w.name ORDER BY w.name }
       }] AS items
