// Resolve the terms a search was given to taxonomy nodes, in one read. Each $terms entry is
// {i, kind, keys}: keys are the lower-case forms to try (as typed, with '-' for spaces, with spaces for '-').
// Returns every node a term may name, with its id, name and terms, so the caller can apply the precedence
// id > name > synonym; needs come with their narrower needs (PART_OF, up to 6 levels, itself included),
// moments with the needs they RAISE and each of those needs' narrower needs.
UNWIND $terms AS t
CALL (t) {
  MATCH (n:Need)
  WHERE t.kind = 'need' AND (n.id IN t.keys OR toLower(n.name) IN t.keys OR any(k IN t.keys WHERE k IN n.terms))
  RETURN n.id AS id, n.name AS name, coalesce(n.terms, []) AS terms,
         [(n)<-[:PART_OF*0..6]-(s:Need) | s.id] AS narrower, [] AS raises
  UNION ALL
  MATCH (n:Moment)
  WHERE t.kind = 'moment' AND (n.id IN t.keys OR toLower(n.name) IN t.keys OR any(k IN t.keys WHERE k IN n.terms))
  RETURN n.id AS id, n.name AS name, coalesce(n.terms, []) AS terms, [] AS narrower,
         [(n)-[:RAISES]->(r:Need) | {id: r.id, narrower: [(r)<-[:PART_OF*0..6]-(s:Need) | s.id]}] AS raises
  UNION ALL
  MATCH (n:Audience)
  WHERE t.kind = 'audience' AND (n.id IN t.keys OR toLower(n.name) IN t.keys OR any(k IN t.keys WHERE k IN n.terms))
  RETURN n.id AS id, n.name AS name, coalesce(n.terms, []) AS terms, [] AS narrower, [] AS raises
  UNION ALL
  MATCH (n:Activity)
  WHERE t.kind = 'activity' AND (n.id IN t.keys OR toLower(n.name) IN t.keys OR any(k IN t.keys WHERE k IN n.terms))
  RETURN n.id AS id, n.name AS name, coalesce(n.terms, []) AS terms, [] AS narrower, [] AS raises
}
RETURN t.i AS i, id, name, terms, narrower, raises
ORDER BY i, id
