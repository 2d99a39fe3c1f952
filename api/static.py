"""Static files for the maps: Leaflet and its plugins from node_modules, and our own map script.

`mount_static(app)` serves, under `/static`:

- `/static/vendor/...`: only the files of `node_modules` that the maps use (the folders and file
  patterns listed in `assetgraph.maps.vendor.VENDOR_DIRS`; nothing else in node_modules is
  reachable). They are installed by `npm ci` from the repository's package-lock.json. When they
  are missing, start-up logs how to install them and these paths answer 503 with a JSON error
  (`static_files_missing`) saying the same, while the rest of the API works.
- `/static/maps/...`: `maps/static/` (assetgraph-maps.js and its CSS).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from starlette.responses import JSONResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from assetgraph.maps.vendor import (
    DEFAULT_STATIC_PREFIX,
    INSTALL_COMMAND,
    MAPS_STATIC_DIR,
    VENDOR_DIRS,
    VendorDir,
    default_node_modules,
)

logger = logging.getLogger(__name__)


class AllowListStaticFiles(StaticFiles):
    """StaticFiles that serves only the relative paths `allows` accepts (404 for anything else)."""

    def __init__(self, *, directory: Path, allows: Callable[[str], bool]) -> None:
        """Serve files below `directory` whose POSIX relative path passes `allows`."""
        super().__init__(directory=directory)
        self._allows = allows

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        """Look the file up as StaticFiles does, once the path is on the allow-list."""
        if not self._allows(path.replace(os.sep, "/")):
            return "", None
        return super().lookup_path(path)


class MissingStaticFiles:
    """An ASGI app answering 503 with a JSON error that says how to install the missing files."""

    def __init__(self, message: str) -> None:
        """`message` is the human-readable part of the error."""
        self.message = message

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer every HTTP request with the 503 error."""
        if scope["type"] != "http":
            return
        response = JSONResponse(
            status_code=503,
            content={"code": "static_files_missing", "message": self.message},
            headers={"Retry-After": "3600"},
        )
        await response(scope, receive, send)


def _missing_message(vendor: VendorDir, folder: Path) -> str:
    return (
        f"map library files are not installed ({vendor.package}: {folder} not found); "
        f"run `{INSTALL_COMMAND}` in the repository (next to package.json) and restart the API"
    )


def mount_static(app: FastAPI, *, prefix: str = DEFAULT_STATIC_PREFIX, node_modules: Path | None = None) -> None:
    """Mount the maps' static files on `app` under `prefix` (default "/static").

    Args:
        app: The FastAPI application.
        prefix: URL prefix; the maps are built with the same `static_prefix`.
        node_modules: Where `npm ci` installed the libraries; default `$ASSETGRAPH_NODE_MODULES`
            or the repository's `node_modules`.
    """
    base = prefix.rstrip("/")
    modules = node_modules if node_modules is not None else default_node_modules()
    missing: list[str] = []
    for vendor in VENDOR_DIRS:
        folder = vendor.folder(modules)
        path = f"{base}/vendor/{vendor.url}"
        if folder.is_dir():
            app.mount(path, AllowListStaticFiles(directory=folder, allows=vendor.allows), name=f"vendor:{vendor.url}")
        else:
            message = _missing_message(vendor, folder)
            missing.append(message)
            app.mount(path, MissingStaticFiles(message), name=f"vendor:{vendor.url}")
    if missing:
        logger.error("maps will not load: %s", missing[0])
    app.mount(f"{base}/maps", StaticFiles(directory=MAPS_STATIC_DIR), name="maps-static")
