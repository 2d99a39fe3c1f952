# The assetgraph API for a server install; Neo4j runs in its own container (see docker-compose.yml).
# Leaflet and its plugins come from npm (package-lock.json) in a build stage; nothing loads from a CDN.
FROM node:20-slim AS vendor
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim
WORKDIR /app
COPY --from=vendor /app/node_modules ./node_modules
COPY pyproject.toml README.md ./
COPY assetgraph ./assetgraph
COPY graph ./graph
COPY ingest ./ingest
COPY api ./api
COPY maps ./maps
COPY cypher ./cypher
COPY data ./data
COPY specs ./specs
RUN pip install --no-cache-dir -e . \
    && useradd --create-home --uid 10001 assetgraph
USER assetgraph
EXPOSE 8000
CMD ["assetgraph", "serve"]
