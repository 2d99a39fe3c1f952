// What the ORUK documents of the given assets need: the asset, its point, the organisation that
// runs it (the first by id when several do), and its needs, activities and audiences.
UNWIND $ids AS asset_id
MATCH (a:Asset {id: asset_id})
OPTIONAL MATCH (o:Organisation)-[:RUNS]->(a)
WITH a, o
ORDER BY o.id
WITH a, head(collect(o {.id, .oruk_id, .name, .description, .website, .charity_number, .company_number})) AS organisation
RETURN a {.id, .name, .kind, .description, .website, .email, .status, .age_min, .age_max, .verified_at,
          .updated_at, .source_modified_at, .address, .postcode, .cost, .accessibility, .schedule,
          .oruk_service_id, .oruk_location_id, .oruk_sal_id} AS asset,
       a.location.latitude AS lat,
       a.location.longitude AS lon,
       organisation,
       [(a)-[:TACKLES]->(n:Need) | n.id] AS needs,
       [(a)-[:OFFERS]->(n:Activity) | n.id] AS activities,
       [(a)-[:FOR]->(n:Audience) | n.id] AS audiences
