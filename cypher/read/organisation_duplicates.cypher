// Organisations that a new or changed one would duplicate: the same charity or company number
// (range indexes), or the same name ignoring case.
CALL () {
  MATCH (o:Organisation {charity_number: $charity_number})
  RETURN o, 'charity_number' AS matched_on
  UNION
  MATCH (o:Organisation {company_number: $company_number})
  RETURN o, 'company_number' AS matched_on
  UNION
  MATCH (o:Organisation)
  WHERE toLower(o.name) = $name_lower
  RETURN o, 'name' AS matched_on
}
WITH o, matched_on
WHERE o.id <> coalesce($exclude_id, '')
RETURN o.id AS id, o.name AS name, o.charity_number AS charity_number, o.company_number AS company_number,
       matched_on
ORDER BY matched_on, id
