// Whether any connector in the graph is illustrative (generated for the demo).
MATCH (c:Connector)
RETURN count(c) AS connectors, count(CASE WHEN c.illustrative THEN 1 END) AS illustrative
