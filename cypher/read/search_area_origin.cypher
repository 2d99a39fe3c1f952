// An area (local authority, ward or LSOA) by code, with its centroid (a point inside it), as a search origin.
MATCH (a:Area {code: $code})
RETURN a.code AS code, a.name AS name, a.level AS level,
       a.centroid.latitude AS lat, a.centroid.longitude AS lon
