"""The compose file parses and runs the same Neo4j version as neo4j-local."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import yaml

from assetgraph.paths import NEO4J_LOCAL_DIR, REPO_ROOT


def test_compose_names_the_neo4j_version_of_neo4j_local() -> None:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    image = compose["services"]["neo4j"]["image"]
    match = re.fullmatch(r"neo4j:(\d+\.\d+)-community", image)
    assert match, image
    pom = ET.parse(NEO4J_LOCAL_DIR / "pom.xml").getroot()
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    version = pom.find("m:properties/m:neo4j.version", ns)
    assert version is not None and version.text is not None
    assert version.text.startswith(match.group(1) + ".")
    assert "healthcheck" in compose["services"]["neo4j"]
    assert compose["services"]["api"]["environment"]["NEO4J_URI"].startswith("bolt://")
    assert "neo4j-data" in compose["volumes"]
