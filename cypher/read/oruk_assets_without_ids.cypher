// Assets written without stored ORUK ids (not through the store): their ids are derived on read.
MATCH (a:Asset)
WHERE a.oruk_service_id IS NULL OR a.oruk_sal_id IS NULL
RETURN a.id AS id
