// Every organisation, for the ORUK export.
MATCH (o:Organisation)
RETURN o {.id, .oruk_id, .name, .description, .website, .charity_number, .company_number} AS organisation
ORDER BY o.id
