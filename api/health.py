"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assetgraph.api.deps import GraphDep
from assetgraph.api.schemas import Health
from assetgraph.graph.connection import GraphUnavailableError

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(graph: GraphDep) -> Health | JSONResponse:
    """The process can reach Neo4j."""
    try:
        graph.verify()
    except GraphUnavailableError:
        return JSONResponse(status_code=503, content=Health(status="unavailable", neo4j="unreachable").model_dump())
    return Health(status="ok", neo4j="reachable")
