// ORUK service_at_locations (one per asset) matching the filters, nearest first when $lat/$lon are
// given, else by name. Returns the total and one page; when opening times are filtered
// ($with_schedule) it returns every match with its schedule and the caller filters and pages.
MATCH (a:Asset)
WHERE ($search IS NULL OR toLower(a.name) CONTAINS $search OR toLower(coalesce(a.description, '')) CONTAINS $search)
  AND ($kind IS NULL OR a.kind = $kind)
  AND ($need_id IS NULL OR EXISTS { (a)-[:TACKLES]->(:Need {id: $need_id}) })
  AND ($activity_id IS NULL OR EXISTS { (a)-[:OFFERS]->(:Activity {id: $activity_id}) })
  AND ($audience_id IS NULL OR EXISTS { (a)-[:FOR]->(:Audience {id: $audience_id}) })
  AND (coalesce($taxonomy, '') <> 'need' OR EXISTS { (a)-[:TACKLES]->(:Need) })
  AND (coalesce($taxonomy, '') <> 'activity' OR EXISTS { (a)-[:OFFERS]->(:Activity) })
  AND (coalesce($taxonomy, '') <> 'audience' OR EXISTS { (a)-[:FOR]->(:Audience) })
  AND ($minimum_age IS NULL OR a.age_min >= $minimum_age)
  AND ($maximum_age IS NULL OR a.age_max <= $maximum_age)
  AND ($day IS NULL OR $day IN coalesce(a.open_days, []))
  AND (NOT $with_schedule OR a.schedule IS NOT NULL)
  AND ($modified_after IS NULL OR coalesce(a.source_modified_at, a.updated_at) >= datetime($modified_after))
WITH a,
     CASE WHEN $lat IS NULL THEN null
          ELSE point.distance(a.location, point({latitude: $lat, longitude: $lon})) END AS distance
WHERE $proximity IS NULL OR distance <= $proximity
WITH a, distance
ORDER BY distance, toLower(a.name), a.id
WITH collect({asset_id: a.id, distance: distance, schedule: CASE WHEN $with_schedule THEN a.schedule END}) AS rows
RETURN size(rows) AS total, CASE WHEN $with_schedule THEN rows ELSE rows[$skip..($skip + $limit)] END AS page
