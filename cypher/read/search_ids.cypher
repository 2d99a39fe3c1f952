// Search, first step, "anywhere" form (no near; the full-text matches give $text_ids): those assets
// (not closed) that pass every filter given (a null parameter is no filter). distance_m is null.
// The filter block is the same in assets_near.cypher: keep them in step.
UNWIND $text_ids AS asset_id
MATCH (a:Asset {id: asset_id})
WHERE a.status <> 'closed'
  AND ($kinds IS NULL OR a.kind IN $kinds)
  AND ($costs IS NULL OR a.cost IN $costs)
  AND ($scheduled IS NULL OR a.schedule IS NOT NULL)
  AND ($days IS NULL OR any(day IN coalesce(a.open_days, []) WHERE day IN $days))
  AND ($accessible IS NULL OR all(feature IN $accessible WHERE feature IN coalesce(a.accessibility, [])))
  AND ($time_credits IS NULL OR $time_credits IN coalesce(a.time_credits, []))
  AND ($volunteering IS NULL OR a.volunteering = $volunteering)
  AND ($verified_since IS NULL OR a.verified_at >= $verified_since)
  AND ($need_ids IS NULL OR EXISTS { (a)-[:TACKLES]->(n:Need) WHERE n.id IN $need_ids })
  AND ($audience_ids IS NULL OR EXISTS { (a)-[:FOR]->(x:Audience) WHERE x.id IN $audience_ids })
  AND ($activity_ids IS NULL OR EXISTS { (a)-[:OFFERS]->(x:Activity) WHERE x.id IN $activity_ids })
RETURN DISTINCT a.id AS id, a.kind AS kind, null AS distance_m,
       a.capacity AS capacity, a.spare_places AS spare_places, a.schedule AS schedule,
       COUNT { (a)<-[:TO]-(r:Referral) WHERE r.referred_on >= $since } AS recent_referrals
