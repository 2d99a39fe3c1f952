// GP practices with what an ODS load sets and what it must keep (list size), to check a practice load.
MATCH (g:GPPractice)
RETURN g.ods_code AS ods_code, g.name AS name, g.address AS address, g.postcode AS postcode,
       g.location.latitude AS lat, g.location.longitude AS lon, g.list_size AS list_size,
       COUNT { (g)-[:IN]->(:Area) } AS areas
ORDER BY ods_code
