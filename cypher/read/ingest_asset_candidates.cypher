// Assets of other sources within $radius_m of each new row (point index seek): duplicate candidates.
UNWIND $rows AS row
WITH row, point({latitude: row.lat, longitude: row.lon}) AS here
MATCH (a:Asset)
WHERE point.distance(a.location, here) <= $radius_m AND a.source <> $source
RETURN row.id AS id,
       a.id AS candidate_id,
       a.name AS name,
       a.source AS source,
       a.source_id AS source_id,
       point.distance(a.location, here) AS distance_m
