// The asset that is the given ORUK service_at_location.
MATCH (a:Asset {oruk_sal_id: $id})
RETURN a.id AS id
LIMIT 1
