#!/usr/bin/env bash
# Set up, then run the demo: local Neo4j, the Trafford demo pack, and the API on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/assetgraph demo "$@"
