// Which of the given codes are areas in the graph.
UNWIND $codes AS code
MATCH (a:Area {code: code})
RETURN a.code AS code
