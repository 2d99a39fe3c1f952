"""The knowledge graph: domain model, Neo4j connection, schema, store (writes) and queries (reads)."""
