// The centre of a postcode district (outward code, e.g. "WA14"): the mean of its postcode centroids.
// $prefix is the outward code followed by a space, so "M3 " does not take in "M33".
MATCH (p:Postcode)
WHERE p.code STARTS WITH $prefix
RETURN count(p) AS postcodes, avg(p.location.latitude) AS lat, avg(p.location.longitude) AS lon
