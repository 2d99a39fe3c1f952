"""Where the repository's own resources live (Cypher files, the demo pack, the Neo4j launcher)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CYPHER_DIR = REPO_ROOT / "cypher"
DEMO_DIR = REPO_ROOT / "data" / "demo"
NEO4J_LOCAL_DIR = REPO_ROOT / "neo4j-local"
