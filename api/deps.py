"""FastAPI dependencies as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assetgraph.graph.connection import Graph
from assetgraph.settings import Settings


def get_graph(request: Request) -> Graph:
    """The process's graph, opened at start-up."""
    graph: Graph = request.app.state.graph
    return graph


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


GraphDep = Annotated[Graph, Depends(get_graph)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
