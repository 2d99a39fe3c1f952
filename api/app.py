"""The FastAPI application: one graph driver opened at start-up and closed at shutdown."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from assetgraph import __version__
from assetgraph.api import health
from assetgraph.api.errors import install_error_handlers
from assetgraph.api.oruk import mount_oruk
from assetgraph.api.pages import install_pages
from assetgraph.api.static import mount_static
from assetgraph.api.v1 import (
    areas,
    ask,
    asset_changes,
    assets,
    connector_network,
    connectors,
    freshness,
    gaps,
    introductions,
    organisations,
    overlaps,
    referrals,
    taxonomy,
)
from assetgraph.graph.connection import Graph, connect
from assetgraph.graph.schema import apply_schema
from assetgraph.settings import Settings, get_settings


def create_app(settings: Settings | None = None, *, graph: Graph | None = None) -> FastAPI:
    """Build the app; pass `graph` to share an open graph (tests), else it connects at start-up."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = graph is None
        app.state.graph = graph if graph is not None else connect(settings)
        if owned:
            apply_schema(app.state.graph)
        # Everything loaded so far lives as long as the process: keep it out of the cyclic collector's
        # full passes, which otherwise walk every module and model on each request that triggers one.
        gc.freeze()
        try:
            yield
        finally:
            if owned:
                app.state.graph.close()

    app = FastAPI(
        title="assetgraph",
        version=__version__,
        summary="A knowledge graph of community assets for social prescribing and ABCD.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)
    # Fixed paths under /v1/assets (search, stale) come before /v1/assets/{asset_id}.
    for module in (
        assets,
        freshness,
        ask,
        taxonomy,
        introductions,
        gaps,
        overlaps,
        areas,
        connector_network,
        connectors,
        organisations,
        referrals,
        asset_changes,
    ):
        app.include_router(module.router, prefix="/v1")
    mount_oruk(app)  # Open Referral UK 3.0 read API under /oruk/v3 (GET only, open CORS)
    mount_static(app)  # /static/vendor (Leaflet etc. from node_modules) and /static/maps
    install_pages(app)  # web pages at /, /assets/..., /sign-in; maps at /maps/...; /static/pages
    return app
