// What an asset's ingest-made links (areas, organisation, tags) were last written from.
UNWIND $rows AS row
MATCH (a:Asset {id: row.id})
SET a.links_hash = row.links_hash
