# The assetgraph API for a server install; Neo4j runs in its own container (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY assetgraph ./assetgraph
COPY graph ./graph
COPY ingest ./ingest
COPY api ./api
COPY maps ./maps
COPY cypher ./cypher
COPY data ./data
RUN pip install --no-cache-dir -e . \
    && useradd --create-home --uid 10001 assetgraph
USER assetgraph
EXPOSE 8000
CMD ["assetgraph", "serve"]
