// LSOA IN ward IN local authority.
UNWIND $rows AS row
MATCH (child:Area {code: row.code})
MATCH (parent:Area {code: row.parent_code})
MERGE (child)-[:IN]->(parent)
