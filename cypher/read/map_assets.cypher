// Assets for a map: every asset that is not closed, or only those in $ids, or only those that TACKLE
// one of $need_ids or a narrower need. Each row carries the needs it tackles, referrals since $since
// and whether its usage figures are illustrative.
MATCH (a:Asset)
WHERE a.status <> 'closed'
  AND ($ids IS NULL OR a.id IN $ids)
  AND ($need_ids IS NULL OR EXISTS {
        MATCH (a)-[:TACKLES]->(:Need)-[:PART_OF*0..6]->(wanted:Need)
        WHERE wanted.id IN $need_ids
      })
OPTIONAL MATCH (a)-[:TACKLES]->(need:Need)
WITH a, collect(DISTINCT CASE WHEN need IS NULL THEN NULL ELSE {id: need.id, name: need.name} END) AS needs
RETURN a.id AS id, a.name AS name, a.kind AS kind,
       a.location.latitude AS lat, a.location.longitude AS lon,
       needs, a.schedule AS schedule, a.cost AS cost,
       a.phone AS phone, a.email AS email, a.website AS website,
       a.address AS address, a.postcode AS postcode, a.status AS status,
       a.capacity AS capacity, a.spare_places AS spare_places,
       a.verified_at AS verified_at,
       COUNT { (a)<-[:TO]-(r:Referral) WHERE r.referred_on >= $since } AS recent_referrals,
       coalesce(a.capacity_illustrative, false)
         OR EXISTS { (a)<-[:TO]-(r:Referral) WHERE r.illustrative } AS illustrative
ORDER BY id
