// The codes of the areas of one level in the graph (area attributes join on them).
MATCH (a:Area {level: $level})
RETURN a.code AS code
ORDER BY code
