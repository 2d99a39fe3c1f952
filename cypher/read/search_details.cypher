// Search, second step: what a page of results shows, for the assets in $ids, with the links that
// explain the match (needs tackled among $need_ids, audiences among $audience_ids, activities among
// $activity_ids, each with the rule that made the link) and referral figures. One row, `details`: a
// map per asset found (any order), far cheaper to send and decode than a row per asset.
UNWIND $ids AS asset_id
MATCH (a:Asset {id: asset_id})
CALL (a) {
  OPTIONAL MATCH (a)<-[:TO]-(r:Referral)
  RETURN count(r) AS all_referrals,
         count(CASE WHEN r.illustrative THEN 1 END) AS illustrative_referrals,
         max(r.referred_on) AS last_referral_on
}
RETURN collect({
  id: a.id, name: a.name, kind: a.kind, description: a.description,
  address: a.address, postcode: a.postcode, phone: a.phone, email: a.email,
  website: a.website, cost: a.cost, schedule: a.schedule, status: a.status,
  verified_at: a.verified_at, source: a.source, accessibility: a.accessibility,
  time_credits: a.time_credits, volunteering: a.volunteering,
  lat: a.location.latitude, lon: a.location.longitude,
  capacity_illustrative: coalesce(a.capacity_illustrative, false),
  need_links: [(a)-[t:TACKLES]->(n:Need) WHERE n.id IN coalesce($need_ids, []) |
    {id: n.id, name: n.name, rule: t.rule}],
  audience_links: [(a)-[t:FOR]->(x:Audience) WHERE x.id IN coalesce($audience_ids, []) |
    {id: x.id, name: x.name, rule: t.rule}],
  activity_links: [(a)-[t:OFFERS]->(x:Activity) WHERE x.id IN coalesce($activity_ids, []) |
    {id: x.id, name: x.name, rule: t.rule}],
  organisations: [(o:Organisation)-[:RUNS]->(a) | o.name],
  all_referrals: all_referrals, illustrative_referrals: illustrative_referrals, last_referral_on: last_referral_on
}) AS details
