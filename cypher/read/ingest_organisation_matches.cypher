// Organisations that share an id, a charity number or a company number with each row.
UNWIND $rows AS row
CALL (row) {
  MATCH (o:Organisation {id: row.id})
  RETURN o
  UNION
  MATCH (o:Organisation)
  WHERE o.charity_number IN row.charity_numbers
  RETURN o
  UNION
  MATCH (o:Organisation)
  WHERE o.company_number IN row.company_numbers
  RETURN o
}
RETURN row.id AS id,
       o.id AS organisation_id,
       o.name AS name,
       o.source AS source,
       o.charity_number AS charity_number,
       o.company_number AS company_number,
       o.content_hash AS content_hash
