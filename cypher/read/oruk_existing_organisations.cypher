// Organisations already in the graph, to reuse them for an ORUK import (by ORUK id, charity or company number).
MATCH (o:Organisation)
RETURN o.id AS id, o.oruk_id AS oruk_id, o.charity_number AS charity_number, o.company_number AS company_number
