// Assets (not closed) whose verified_at is missing or before $before, with the organisations that
// RUN them (an asset run by two organisations appears under both; none gives one row with nulls).
MATCH (a:Asset)
WHERE a.status <> 'closed' AND (a.verified_at IS NULL OR date(a.verified_at) < $before)
OPTIONAL MATCH (o:Organisation)-[:RUNS]->(a)
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.source AS source,
       CASE WHEN a.verified_at IS NULL THEN NULL ELSE date(a.verified_at) END AS verified_at,
       o.id AS organisation_id, o.name AS organisation_name
ORDER BY organisation_id, verified_at, name, id
