// An asset's location, as a search origin.
MATCH (a:Asset {id: $id})
RETURN a.id AS id, a.name AS name, a.location.latitude AS lat, a.location.longitude AS lon
