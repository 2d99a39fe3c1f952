// Places per week and spare places; `capacity_illustrative` marks generated figures.
UNWIND $rows AS row
MATCH (a:Asset {id: row.asset_id})
SET a.capacity = row.capacity, a.spare_places = row.spare_places, a.capacity_illustrative = row.illustrative
