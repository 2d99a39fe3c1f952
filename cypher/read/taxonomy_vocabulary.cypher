// The whole vocabulary in one read: needs (with their broader need), social moments (with the needs
// they RAISE), audiences and activities; `terms` are the lower-case name and synonyms people may type.
MATCH (n:Need)
OPTIONAL MATCH (n)-[:PART_OF]->(p:Need)
RETURN 'need' AS kind, n.id AS id, n.name AS name, coalesce(n.synonyms, []) AS synonyms,
       coalesce(n.terms, []) AS terms, p.id AS parent_id, [] AS raises
UNION ALL
MATCH (m:Moment)
RETURN 'moment' AS kind, m.id AS id, m.name AS name, coalesce(m.synonyms, []) AS synonyms,
       coalesce(m.terms, []) AS terms, null AS parent_id, [(m)-[:RAISES]->(r:Need) | r.id] AS raises
UNION ALL
MATCH (x:Audience)
RETURN 'audience' AS kind, x.id AS id, x.name AS name, coalesce(x.synonyms, []) AS synonyms,
       coalesce(x.terms, []) AS terms, null AS parent_id, [] AS raises
UNION ALL
MATCH (x:Activity)
RETURN 'activity' AS kind, x.id AS id, x.name AS name, coalesce(x.synonyms, []) AS synonyms,
       coalesce(x.terms, []) AS terms, null AS parent_id, [] AS raises
