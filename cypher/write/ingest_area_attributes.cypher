// Area attributes joined by code (population, IMD, loneliness); property names are whitelisted
// in Python (assetgraph.ingest.mapping.AREA_ATTRIBUTES), values travel as parameters.
UNWIND $rows AS row
MATCH (a:Area {code: row.code})
SET a += row.props
RETURN count(a) AS updated
