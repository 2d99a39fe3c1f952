// Assets already in the graph that are the given ORUK service_at_locations.
UNWIND $sal_ids AS sal_id
MATCH (a:Asset {oruk_sal_id: sal_id})
RETURN sal_id, a.id AS id, a.source AS source
