// A GP practice by ODS code, as a search origin.
MATCH (g:GPPractice {ods_code: $ods_code})
RETURN g.ods_code AS ods_code, g.name AS name, g.location.latitude AS lat, g.location.longitude AS lon
