// What was loaded, when, and from where: shown next to answers built from it.
MERGE (d:Dataset {id: $id})
SET d += $props
