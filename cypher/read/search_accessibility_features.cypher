// Every accessibility feature recorded on an asset, with how many assets have it.
MATCH (a:Asset)
WHERE a.accessibility IS NOT NULL
UNWIND a.accessibility AS feature
RETURN feature, count(*) AS assets
ORDER BY feature
