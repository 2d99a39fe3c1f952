// Search, second step: what a page of results shows, for the assets in $ids, with the links that
// explain the match (needs tackled among $need_ids, audiences among $audience_ids, activities among
// $activity_ids, each with the rule that made the link) and referral figures.
UNWIND $ids AS asset_id
MATCH (a:Asset {id: asset_id})
CALL (a) {
  OPTIONAL MATCH (a)<-[:TO]-(r:Referral)
  RETURN count(r) AS all_referrals,
         count(CASE WHEN r.illustrative THEN 1 END) AS illustrative_referrals,
         max(r.referred_on) AS last_referral_on
}
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.description AS description,
       a.address AS address, a.postcode AS postcode, a.phone AS phone, a.email AS email,
       a.website AS website, a.cost AS cost, a.schedule AS schedule, a.status AS status,
       a.verified_at AS verified_at, a.source AS source, a.accessibility AS accessibility,
       a.time_credits AS time_credits, a.volunteering AS volunteering,
       a.location.latitude AS lat, a.location.longitude AS lon,
       coalesce(a.capacity_illustrative, false) AS capacity_illustrative,
       [(a)-[t:TACKLES]->(n:Need) WHERE n.id IN coalesce($need_ids, []) |
         {id: n.id, name: n.name, rule: t.rule}] AS need_links,
       [(a)-[t:FOR]->(x:Audience) WHERE x.id IN coalesce($audience_ids, []) |
         {id: x.id, name: x.name, rule: t.rule}] AS audience_links,
       [(a)-[t:OFFERS]->(x:Activity) WHERE x.id IN coalesce($activity_ids, []) |
         {id: x.id, name: x.name, rule: t.rule}] AS activity_links,
       [(o:Organisation)-[:RUNS]->(a) | o.name] AS organisations,
       all_referrals, illustrative_referrals, last_referral_on
