// ORUK services matching the filters: assets grouped by their ORUK service id (an asset without a
// stored one is a service of its own, keyed 'asset-id:' + id), ordered by name. Returns the total
// and one page of keys; when opening times are filtered ($with_schedule) it returns every match
// with the schedules of its matching assets and the caller filters and pages.
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
WITH coalesce(a.oruk_service_id, 'asset-id:' + a.id) AS key, a
ORDER BY a.id
WITH key, min(toLower(a.name)) AS sort_name, collect(a.schedule) AS schedules
ORDER BY sort_name, key
WITH collect({key: key, schedules: CASE WHEN $with_schedule THEN schedules END}) AS rows
RETURN size(rows) AS total, CASE WHEN $with_schedule THEN rows ELSE rows[$skip..($skip + $limit)] END AS page
