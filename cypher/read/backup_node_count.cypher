// How many nodes the database holds (a restore needs none).
MATCH (n)
RETURN count(n) AS nodes
