// Everything the asset page shows about one asset: properties, what it is linked to (with the rule
// that made each link), who runs it, the areas it is in, connectors who know it (only when
// $with_connectors) and referral usage since $since. No row when the asset does not exist.
MATCH (a:Asset {id: $id})
CALL (a) {
  OPTIONAL MATCH (a)-[t:TACKLES]->(n:Need)
  OPTIONAL MATCH (n)-[:PART_OF]->(p:Need)
  RETURN collect(CASE WHEN n IS NULL THEN NULL ELSE
    {id: n.id, name: n.name, rule: t.rule, origin: t.origin, parent: p.name} END) AS needs
}
CALL (a) {
  OPTIONAL MATCH (a)-[t:FOR]->(n:Audience)
  RETURN collect(CASE WHEN n IS NULL THEN NULL ELSE {id: n.id, name: n.name, rule: t.rule} END) AS audiences
}
CALL (a) {
  OPTIONAL MATCH (a)-[t:OFFERS]->(n:Activity)
  RETURN collect(CASE WHEN n IS NULL THEN NULL ELSE {id: n.id, name: n.name, rule: t.rule} END) AS activities
}
CALL (a) {
  OPTIONAL MATCH (o:Organisation)-[:RUNS]->(a)
  RETURN collect(CASE WHEN o IS NULL THEN NULL ELSE
    {id: o.id, name: o.name, org_type: o.org_type, charity_number: o.charity_number, website: o.website} END)
    AS organisations
}
CALL (a) {
  OPTIONAL MATCH (a)-[:IN]->(area:Area)
  RETURN collect(CASE WHEN area IS NULL THEN NULL ELSE
    {code: area.code, name: area.name, level: area.level, imd_decile: area.imd_decile} END) AS areas
}
CALL (a) {
  OPTIONAL MATCH (c:Connector)-[:CONNECTS]->(a)
  WHERE $with_connectors
  OPTIONAL MATCH (c)-[:WORKS_AT]->(g:GPPractice)
  RETURN collect(CASE WHEN c IS NULL THEN NULL ELSE
    {id: c.id, display_name: c.display_name, role: c.role, illustrative: coalesce(c.illustrative, false),
     works_at: g.name} END) AS connectors
}
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.description AS description, a.category AS category,
       a.address AS address, a.postcode AS postcode, a.phone AS phone, a.email AS email, a.website AS website,
       a.cost AS cost, a.schedule AS schedule, a.accessibility AS accessibility,
       a.age_min AS age_min, a.age_max AS age_max, a.time_credits AS time_credits,
       a.volunteering AS volunteering, a.status AS status, a.verified_at AS verified_at,
       a.verified_by AS verified_by,
       a.capacity AS capacity, a.spare_places AS spare_places,
       coalesce(a.capacity_illustrative, false) AS capacity_illustrative,
       a.location.latitude AS lat, a.location.longitude AS lon,
       a.source AS source, a.source_id AS source_id, a.version AS version,
       a.created_at AS created_at, a.created_by AS created_by,
       a.updated_at AS updated_at, a.updated_by AS updated_by,
       needs, audiences, activities, organisations, areas, connectors,
       COUNT { (a)<-[:TO]-(r:Referral) WHERE r.referred_on >= $since } AS recent_referrals,
       COUNT { (a)<-[:TO]-(:Referral) } AS all_referrals,
       EXISTS { (a)<-[:TO]-(r:Referral) WHERE r.illustrative } AS illustrative_referrals
