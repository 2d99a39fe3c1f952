#!/usr/bin/env bash
# Installs everything assetgraph needs on a fresh Debian machine with Python 3.11+, Java 17 and Maven:
# a virtualenv with the Python packages, and Neo4j Community resolved from Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: $1 is required ($2)" >&2; exit 1; }; }
need python3 "Python 3.11 or newer"
need java "a Java 17 runtime, e.g. apt-get install openjdk-17-jdk-headless"
need mvn "Apache Maven, e.g. apt-get install maven"

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"

# Leaflet, its plugins and axe-core, pinned by package-lock.json, served by the API (no CDN).
need npm "Node.js 20+ with npm, e.g. apt-get install nodejs npm"
npm ci --no-audit --no-fund --loglevel=error

# Debian's Chromium for the browser tests (root only; skipped when it is already there).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: chromium is not installed; browser tests will be skipped (apt-get install chromium)" >&2
  fi
fi

# Resolve Neo4j 5.26 and build the launcher now, so the first start does not wait for downloads.
mvn -B -q -f neo4j-local/pom.xml package -DskipTests
echo "setup: done (virtualenv .venv, Neo4j launcher neo4j-local/target)"
