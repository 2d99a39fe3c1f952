#!/usr/bin/env bash
# Set up, then run the checks and the test suite against a real Neo4j (started once for the session).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
