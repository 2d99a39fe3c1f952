// Postcode centroids for a batch of normalised postcodes, with the local authority's name where known.
UNWIND $codes AS code
MATCH (p:Postcode {code: code})
OPTIONAL MATCH (lad:Area {code: p.lad})
RETURN p.code AS code,
       p.location.latitude AS lat,
       p.location.longitude AS lon,
       p.lad AS lad,
       coalesce(p.lad_name, lad.name) AS lad_name
