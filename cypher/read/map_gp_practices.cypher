// Every GP practice, for the GP layer of a map.
MATCH (g:GPPractice)
RETURN g.ods_code AS ods_code, g.name AS name,
       g.location.latitude AS lat, g.location.longitude AS lon,
       g.list_size AS list_size, g.postcode AS postcode
ORDER BY ods_code
