// GP practices to pick from on the search page, by name.
MATCH (g:GPPractice)
RETURN g.ods_code AS ods_code, g.name AS name, g.postcode AS postcode
ORDER BY name, ods_code
