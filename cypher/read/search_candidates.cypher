// Search, first step: the assets (not closed) that pass every filter given (a null parameter is no
// filter), their usage in the window, and, when the ranking allows it, only the page asked for.
//
// Drawn from the POINT index on Asset.location when a point is given ($lat, $lon, $radius_m), else
// from $text_ids (the full-text matches, by unique id). $text_ids also narrows a near search.
// The need filter ($need_ids) is a MATCH in the branch that draws the candidates, not an EXISTS in the
// WHERE below: on ~1,400 candidates the per-row semi-apply of EXISTS costs a millisecond more. The
// index hint keeps the planner from starting at the need instead (its plan for a single need id):
// a common need is tackled by ~24,000 assets at 100k, a circle of 2 km holds ~1,400.
// Usage follows DESIGN.md: `unused` = no referral since $since and spare places not known to be zero;
// `underused` = spare places above $spare_ratio of capacity, or fewer referrals per place than the
// median of the candidates of the same kind (medians are over every candidate, used or not, and are
// returned so the caller can explain each rule).
// Rows are sorted by $sort (`distance`: distance then id; `least_used`: referrals, distance, id);
// $after (the last key of the previous page) and $limit cut the page. Returns one row:
// medians [{kind, median}], total (rows passing every filter), remaining (rows after $after) and rows.
CALL () {
  WITH $lat AS lat WHERE lat IS NOT NULL AND $need_ids IS NULL
  MATCH (a:Asset)
  WHERE point.distance(a.location, point({latitude: $lat, longitude: $lon})) <= $radius_m
  RETURN a
  UNION ALL
  WITH $lat AS lat WHERE lat IS NOT NULL AND $need_ids IS NOT NULL
  MATCH (a:Asset)
  USING POINT INDEX a:Asset(location)
  WHERE point.distance(a.location, point({latitude: $lat, longitude: $lon})) <= $radius_m
  MATCH (a)-[:TACKLES]->(n:Need)
  WHERE n.id IN $need_ids
  RETURN DISTINCT a
  UNION ALL
  WITH $lat AS lat WHERE lat IS NULL AND $need_ids IS NULL
  UNWIND $text_ids AS asset_id
  MATCH (a:Asset {id: asset_id})
  RETURN a
  UNION ALL
  WITH $lat AS lat WHERE lat IS NULL AND $need_ids IS NOT NULL
  UNWIND $text_ids AS asset_id
  MATCH (a:Asset {id: asset_id})-[:TACKLES]->(n:Need)
  WHERE n.id IN $need_ids
  RETURN DISTINCT a
}
WITH a
WHERE a.status <> 'closed'
  AND ($text_ids IS NULL OR a.id IN $text_ids)
  AND ($kinds IS NULL OR a.kind IN $kinds)
  AND ($costs IS NULL OR a.cost IN $costs)
  AND ($scheduled IS NULL OR a.schedule IS NOT NULL)
  AND ($days IS NULL OR any(day IN coalesce(a.open_days, []) WHERE day IN $days))
  AND ($accessible IS NULL OR all(feature IN $accessible WHERE feature IN coalesce(a.accessibility, [])))
  AND ($time_credits IS NULL OR $time_credits IN coalesce(a.time_credits, []))
  AND ($volunteering IS NULL OR a.volunteering = $volunteering)
  AND ($verified_since IS NULL OR a.verified_at >= $verified_since)
  AND ($audience_ids IS NULL OR EXISTS { (a)-[:FOR]->(x:Audience) WHERE x.id IN $audience_ids })
  AND ($activity_ids IS NULL OR EXISTS { (a)-[:OFFERS]->(x:Activity) WHERE x.id IN $activity_ids })
WITH collect({
  id: a.id, kind: a.kind, capacity: a.capacity, spare_places: a.spare_places,
  distance_m: CASE WHEN $lat IS NOT NULL THEN point.distance(a.location, point({latitude: $lat, longitude: $lon})) END,
  schedule: CASE WHEN $with_schedule THEN a.schedule END,
  recent_referrals: COUNT { (a)<-[:TO]-(r:Referral) WHERE r.referred_on >= $since }
}) AS candidates
// The median as statistics.median takes it: the middle value, or the mean of the two middle values.
WITH candidates, COLLECT {
  UNWIND candidates AS c
  WITH c WHERE c.capacity IS NOT NULL AND c.capacity <> 0
  WITH c.kind AS kind, toFloat(c.recent_referrals) / c.capacity AS per_place
  ORDER BY per_place
  WITH kind, collect(per_place) AS values
  RETURN {kind: kind, median: (values[(size(values) - 1) / 2] + values[size(values) / 2]) / 2.0}
} AS medians
WITH medians, [c IN candidates WHERE
  $usage = 'any'
  OR ($usage = 'unused' AND c.recent_referrals = 0 AND coalesce(c.spare_places <> 0, true))
  OR ($usage = 'underused' AND (
    (c.capacity > 0 AND c.spare_places > $spare_ratio * c.capacity)
    OR (c.capacity <> 0
        AND toFloat(c.recent_referrals) / c.capacity < [m IN medians WHERE m.kind = c.kind | m.median][0])))
] AS kept
WITH medians, size(kept) AS total, COLLECT {
  UNWIND kept AS c
  WITH c, CASE $sort
            WHEN 'least_used' THEN [c.recent_referrals, coalesce(c.distance_m, 0.0), c.id]
            ELSE [coalesce(c.distance_m, 0.0), c.id]
          END AS key
  WHERE $after IS NULL OR key > $after
  RETURN c ORDER BY key
} AS remaining
RETURN medians, total, size(remaining) AS remaining,
       CASE WHEN $limit IS NULL THEN remaining ELSE remaining[..$limit] END AS rows
