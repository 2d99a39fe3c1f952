// How many postcode centroids the graph holds (geocoding from the graph needs some).
MATCH (p:Postcode)
RETURN count(p) AS postcodes
