"""The maps' static files: every linked file exists after `npm ci`, the API serves them and nothing else."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from folium import plugins

from assetgraph.api.static import mount_static
from assetgraph.graph.model import AbcdKind
from assetgraph.graph.read_model import AssetView, ConnectorView, GPPracticeView
from assetgraph.maps import asset_map, connector_map, render_html
from assetgraph.maps.vendor import (
    FOLIUM_REPLACEMENTS,
    RESOURCES,
    VENDOR_DIRS,
    UnlocalisedResourceError,
    default_node_modules,
    resource_file,
    use_local_resources,
)
from assetgraph.paths import REPO_ROOT

NODE_MODULES = default_node_modules()
needs_node_modules = pytest.mark.skipif(
    not (NODE_MODULES / "leaflet").is_dir(),
    reason=f"{NODE_MODULES} is not installed: run `npm ci` in {REPO_ROOT} to test the vendored map libraries",
)

_LINKED = re.compile(r'(?:<script src|<link rel="stylesheet" href)="/static/([^"]+)"')
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")


def _many_assets(n: int) -> list[AssetView]:
    return [
        AssetView(id=f"a{i}", name=f"A{i}", kind=AbcdKind.PHYSICAL, lat=53.4 + i * 1e-4, lon=-2.3, needs=("food",))
        for i in range(n)
    ]


def _pages() -> list[str]:
    practices = [GPPracticeView(ods_code="P1", name="P", lat=53.4, lon=-2.3)]
    return [
        render_html(asset_map(assets=_many_assets(3), practices=practices, tiles="none")),
        render_html(asset_map(assets=_many_assets(30), tiles="none", cluster_threshold=10)),
        render_html(
            connector_map(
                connectors=[ConnectorView(id="c", display_name="C", role="r", connects=("a1",))],
                assets=_many_assets(3),
                tiles="none",
            )
        ),
    ]


def _css_references(path: str) -> list[str]:
    """Static paths that the style sheet at `path` (relative to /static) refers to with url()."""
    file = resource_file(path)
    assert file is not None
    base = path.rsplit("/", 1)[0]
    found = []
    for target in _CSS_URL.findall(file.read_text(encoding="utf-8")):
        if target.startswith(("data:", "#")):
            continue
        parts: list[str] = []
        for part in f"{base}/{target.split('?')[0]}".split("/"):
            if part == "..":
                parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        found.append("/".join(parts))
    return found


@needs_node_modules
def test_every_file_the_maps_link_exists_in_node_modules() -> None:
    linked = sorted({path for page in _pages() for path in _LINKED.findall(page)})
    assert "vendor/leaflet/leaflet.js" in linked
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in linked  # the clustered page
    checked = set(linked)
    for path in linked:
        file = resource_file(path)
        assert file is not None and file.is_file(), f"/static/{path} is linked but {file} does not exist"
        if path.endswith(".css"):
            checked.update(_css_references(path))
    for path in checked:
        file = resource_file(path)
        assert file is not None and file.is_file(), f"/static/{path} (used by a style sheet) is missing: {file}"


@needs_node_modules
def test_every_registered_resource_and_vendor_folder_exists() -> None:
    for resource in RESOURCES.values():
        file = resource_file(resource.path)
        assert file is not None and file.is_file(), f"{resource.name}: {file} missing"
        if resource.kind == "css":
            for path in _css_references(resource.path):
                target = resource_file(path)
                assert target is not None and target.is_file(), f"{resource.path} refers to missing {path}"
    for vendor in VENDOR_DIRS:
        folder = vendor.folder(NODE_MODULES)
        assert folder.is_dir(), folder
        for pattern in vendor.files:
            assert list(folder.glob(pattern)), f"{vendor.package}: nothing matches {pattern} in {folder}"


def test_package_json_and_lock_pin_the_served_packages() -> None:
    package = json.loads((REPO_ROOT / "package.json").read_text())
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
    deps = package["dependencies"]
    for vendor in VENDOR_DIRS:
        assert vendor.package in deps, f"{vendor.package} is served but not in package.json"
        version = deps[vendor.package]
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{vendor.package} must be pinned exactly, not {version}"
        assert lock["packages"][f"node_modules/{vendor.package}"]["version"] == version
    assert "axe-core" in package["devDependencies"]
    assert lock["packages"][""]["dependencies"] == deps, "package-lock.json is stale: run `npm install`"


def test_folium_defaults_are_all_replaced_by_local_files() -> None:
    m = folium.Map(tiles=None)
    plugins.MarkerCluster().add_to(m)  # type: ignore[no-untyped-call]
    plugins.FastMarkerCluster([[53.4, -2.3]]).add_to(m)  # type: ignore[no-untyped-call]
    plugins.Fullscreen().add_to(m)  # type: ignore[no-untyped-call]
    point = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-2.3, 53.4]}, "properties": {"name": "x"}}
    layer = folium.GeoJson({"type": "FeatureCollection", "features": [point]}).add_to(m)
    plugins.Search(layer=layer, search_label="name").add_to(m)  # type: ignore[no-untyped-call]
    use_local_resources(m.get_root())
    page = m.get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(url.startswith("/static/") for url in urls), urls
    for name in ("jquery", "bootstrap", "awesome-markers", "glyphicons", "cdn"):
        assert name not in page.lower()
    # folium's class-level lists are untouched
    assert folium.Map.default_js[0][1].startswith("https://")
    assert set(FOLIUM_REPLACEMENTS) >= {name for name, _ in [*folium.Map.default_js, *folium.Map.default_css]} - set(
        RESOURCES
    )


def test_unknown_libraries_and_awesome_markers_are_refused() -> None:
    m = folium.Map(tiles=None)
    plugins.Draw().add_to(m)  # type: ignore[no-untyped-call]
    with pytest.raises(UnlocalisedResourceError, match="Draw"):
        use_local_resources(m.get_root())
    m = folium.Map(tiles=None)
    folium.Marker([53.4, -2.3], icon=folium.Icon(color="red")).add_to(m)
    with pytest.raises(UnlocalisedResourceError, match="awesome-markers"):
        use_local_resources(m.get_root())


def test_resource_paths_cannot_escape_their_folders() -> None:
    assert resource_file("vendor/leaflet/../../leaflet/package.json") is None
    assert resource_file("vendor/leaflet/leaflet-src.js") is None  # exists in dist, but not served
    assert resource_file("vendor/leaflet/leaflet.js") is not None
    assert resource_file("/etc/passwd") is None
    assert resource_file("maps/../../pyproject.toml") is None


@needs_node_modules
def test_api_serves_only_the_needed_files() -> None:
    app = FastAPI()
    mount_static(app)
    with TestClient(app) as client:
        response = client.get("/static/vendor/leaflet/leaflet.js")
        assert response.status_code == 200 and "javascript" in response.headers["content-type"]
        assert client.get("/static/vendor/leaflet/images/layers.png").status_code == 200
        assert client.get("/static/vendor/fontawesome/webfonts/fa-solid-900.woff2").status_code == 200
        assert client.get("/static/vendor/leaflet-search/images/search-icon.png").status_code == 200
        assert client.get("/static/maps/assetgraph-maps.js").status_code == 200
        assert client.get("/static/vendor/leaflet/leaflet-src.js").status_code == 404
        assert client.get("/static/vendor/leaflet.fullscreen/package.json").status_code == 404
        assert client.get("/static/vendor/leaflet/%2e%2e/package.json").status_code == 404
        assert client.get("/static/vendor/axe-core/axe.min.js").status_code == 404


def test_api_says_how_to_install_missing_files(tmp_path: Path) -> None:
    app = FastAPI()
    mount_static(app, node_modules=tmp_path / "node_modules")
    with TestClient(app) as client:
        response = client.get("/static/vendor/leaflet/leaflet.js")
        assert response.status_code == 503
        body = response.json()
        assert body["code"] == "static_files_missing"
        assert "npm ci" in body["message"]
        assert client.get("/static/maps/assetgraph-maps.css").status_code == 200
