// An area IN its parent area (one parent per level): a different old parent link is replaced.
// Returns how many rows were linked (a row whose parent is not in the graph is not).
UNWIND $rows AS row
MATCH (child:Area {code: row.code})
MATCH (parent:Area {code: row.parent_code})
CALL (child, parent) {
  OPTIONAL MATCH (child)-[old:IN]->(other:Area)
  WHERE other <> parent AND other.level = parent.level
  DELETE old
}
MERGE (child)-[:IN]->(parent)
RETURN count(*) AS linked
