// Assets within $radius_m metres of a point, optionally only those that TACKLE one of $need_ids or
// a narrower need. Each row carries the matches (which need, through which rule) and referral usage.
WITH point({latitude: $lat, longitude: $lon}) AS origin
MATCH (a:Asset)
WHERE point.distance(a.location, origin) <= $radius_m AND a.status <> 'closed'
OPTIONAL MATCH (a)-[t:TACKLES]->(sub:Need)-[:PART_OF*0..6]->(n:Need)
WHERE n.id IN coalesce($need_ids, [])
WITH a, origin,
     collect(DISTINCT CASE WHEN n IS NULL THEN NULL ELSE
       {requested: n.id, need_id: sub.id, need_name: sub.name, rule: t.rule} END) AS matches
WHERE $need_ids IS NULL OR size(matches) > 0
OPTIONAL MATCH (a)<-[:TO]-(r:Referral)
WITH a, origin, matches,
     count(CASE WHEN r.referred_on >= $since THEN 1 END) AS recent_referrals,
     count(r) AS all_referrals,
     count(CASE WHEN r.illustrative THEN 1 END) AS illustrative_referrals,
     max(r.referred_on) AS last_referral_on
OPTIONAL MATCH (org:Organisation)-[:RUNS]->(a)
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.description AS description,
       a.address AS address, a.postcode AS postcode, a.phone AS phone, a.email AS email,
       a.website AS website, a.cost AS cost, a.schedule AS schedule, a.status AS status,
       a.verified_at AS verified_at, a.source AS source,
       a.location.latitude AS lat, a.location.longitude AS lon,
       point.distance(a.location, origin) AS distance_m,
       a.capacity AS capacity, a.spare_places AS spare_places,
       coalesce(a.capacity_illustrative, false) AS capacity_illustrative,
       matches, recent_referrals, all_referrals, illustrative_referrals, last_referral_on,
       collect(DISTINCT org.name) AS organisations
ORDER BY distance_m, id
