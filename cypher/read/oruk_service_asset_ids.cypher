// The assets (service_at_locations) of the given ORUK services.
UNWIND $service_ids AS service_id
MATCH (a:Asset {oruk_service_id: service_id})
RETURN a.id AS id
ORDER BY a.id
