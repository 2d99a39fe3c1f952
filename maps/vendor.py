"""Leaflet, its plugins and our own map script, served by us: folium's CDN links replaced by local paths.

folium points every map at third-party CDNs (jsDelivr, cdnjs, code.jquery.com, netdna, unpkg). The
maps of assetgraph load nothing from a third party: the browser libraries are npm packages pinned in
the repository's `package.json` / `package-lock.json` (installed with `npm ci` into `node_modules/`),
and the API serves the few files the maps need under `{static_prefix}/vendor/`, next to our own
script and style sheet under `{static_prefix}/maps/` (from `maps/static/`).

`use_local_resources` rewrites the JS/CSS lists of every folium element in a map to those paths,
drops what our maps do not use (jQuery, Bootstrap, Glyphicons, Leaflet.awesome-markers) and refuses
anything it does not know, so a new folium plugin can never slip a CDN link in unnoticed.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

import folium
from branca.element import Element
from folium.elements import JSCSSMixin

from assetgraph.paths import REPO_ROOT

#: Where the API serves static files by default; exported maps may use another prefix.
DEFAULT_STATIC_PREFIX = "/static"

#: Our own script and style sheet (served under `{static_prefix}/maps/`).
MAPS_STATIC_DIR = Path(__file__).resolve().parent / "static"

#: Environment variable naming another `node_modules` folder (e.g. in a container image).
NODE_MODULES_ENV = "ASSETGRAPH_NODE_MODULES"

#: The command that installs the browser libraries, as the error messages tell the user.
INSTALL_COMMAND = "npm ci"


class UnlocalisedResourceError(ValueError):
    """A map element wants a JS/CSS file that assetgraph does not serve locally."""


@dataclass(frozen=True, slots=True, kw_only=True)
class VendorDir:
    """One folder of an npm package served under `{static_prefix}/vendor/{url}/`.

    Attributes:
        url: Path below `vendor/` (e.g. "leaflet").
        package: npm package name (e.g. "leaflet", "@fortawesome/fontawesome-free").
        subdir: Folder inside the package ("" for the package root).
        files: fnmatch patterns (relative to the folder) of the files that may be served; nothing
            else in the package is reachable.
    """

    url: str
    package: str
    subdir: str
    files: tuple[str, ...]

    def folder(self, node_modules: Path) -> Path:
        """The folder on disk, inside `node_modules`."""
        base = node_modules / self.package
        return base / self.subdir if self.subdir else base

    def allows(self, relative: str) -> bool:
        """Whether `relative` (a POSIX path inside the folder) may be served."""
        return any(fnmatch.fnmatchcase(relative, pattern) for pattern in self.files)


#: Every folder of node_modules the maps read from, and the files each may serve.
VENDOR_DIRS: tuple[VendorDir, ...] = (
    VendorDir(url="leaflet", package="leaflet", subdir="dist", files=("leaflet.js", "leaflet.css", "images/*.png")),
    VendorDir(
        url="leaflet.markercluster",
        package="leaflet.markercluster",
        subdir="dist",
        files=("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"),
    ),
    VendorDir(
        url="leaflet.fullscreen",
        package="leaflet.fullscreen",
        subdir="",
        files=("Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg"),
    ),
    VendorDir(
        url="leaflet-search/dist",
        package="leaflet-search",
        subdir="dist",
        files=("leaflet-search.min.js", "leaflet-search.min.css"),
    ),
    VendorDir(url="leaflet-search/images", package="leaflet-search", subdir="images", files=("*.png", "*.gif")),
    VendorDir(
        url="fontawesome/css",
        package="@fortawesome/fontawesome-free",
        subdir="css",
        files=("fontawesome.min.css", "solid.min.css"),
    ),
    VendorDir(
        url="fontawesome/webfonts",
        package="@fortawesome/fontawesome-free",
        subdir="webfonts",
        files=("fa-solid-900.woff2", "fa-solid-900.ttf"),
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """A script or style sheet a map page links to.

    Attributes:
        name: The key folium uses for it in a page's header (one link per name).
        kind: "js" or "css".
        path: Path below the static prefix ("vendor/..." from node_modules, "maps/..." ours).
    """

    name: str
    kind: Literal["js", "css"]
    path: str


def _resources(*items: Resource) -> dict[str, Resource]:
    return {item.name: item for item in items}


#: Every resource a map may link to, by name. Names reuse folium's where folium has one.
RESOURCES: Mapping[str, Resource] = _resources(
    Resource(name="leaflet", kind="js", path="vendor/leaflet/leaflet.js"),
    Resource(name="leaflet_css", kind="css", path="vendor/leaflet/leaflet.css"),
    Resource(name="markerclusterjs", kind="js", path="vendor/leaflet.markercluster/leaflet.markercluster.js"),
    Resource(name="markerclustercss", kind="css", path="vendor/leaflet.markercluster/MarkerCluster.css"),
    Resource(name="markerclusterdefaultcss", kind="css", path="vendor/leaflet.markercluster/MarkerCluster.Default.css"),
    Resource(name="Control.Fullscreen.js", kind="js", path="vendor/leaflet.fullscreen/Control.FullScreen.js"),
    Resource(name="Control.FullScreen.css", kind="css", path="vendor/leaflet.fullscreen/Control.FullScreen.css"),
    Resource(name="Leaflet.Search.js", kind="js", path="vendor/leaflet-search/dist/leaflet-search.min.js"),
    Resource(name="Leaflet.Search.css", kind="css", path="vendor/leaflet-search/dist/leaflet-search.min.css"),
    Resource(name="fontawesome_css", kind="css", path="vendor/fontawesome/css/fontawesome.min.css"),
    Resource(name="fontawesome_solid_css", kind="css", path="vendor/fontawesome/css/solid.min.css"),
    Resource(name="assetgraph_maps_js", kind="js", path="maps/assetgraph-maps.js"),
    Resource(name="assetgraph_maps_css", kind="css", path="maps/assetgraph-maps.css"),
)

#: folium's own resource names that are not ours, and what replaces each (empty: dropped, unused).
#: Map: jQuery and Bootstrap (JS, CSS, Glyphicons) are used by nothing our maps draw; Leaflet.awesome-
#: markers (and its rotate CSS) is replaced by our own pins; Font Awesome's all.min.css by the
#: smaller core + solid style sheets.
FOLIUM_REPLACEMENTS: Mapping[str, tuple[str, ...]] = {
    "jquery": (),
    "bootstrap": (),
    "bootstrap_css": (),
    "glyphicons_css": (),
    "awesome_markers": (),
    "awesome_markers_css": (),
    "awesome_rotate_css": (),
    "awesome_markers_font_css": ("fontawesome_css", "fontawesome_solid_css"),
}


def local_url(resource: Resource, static_prefix: str = DEFAULT_STATIC_PREFIX) -> str:
    """The URL of `resource` under `static_prefix` ("/static", "static", "https://host/static", ...)."""
    return f"{static_prefix.rstrip('/')}/{resource.path}" if static_prefix.rstrip("/") else resource.path


def default_node_modules() -> Path:
    """The `node_modules` folder: `$ASSETGRAPH_NODE_MODULES`, else the one next to `package.json`."""
    configured = os.environ.get(NODE_MODULES_ENV)
    return Path(configured) if configured else REPO_ROOT / "node_modules"


def resource_file(path: str, *, node_modules: Path | None = None) -> Path | None:
    """The file on disk behind a static path ("vendor/leaflet/leaflet.css", "maps/x.js"), or None.

    Only the files `VENDOR_DIRS` allows (and anything in `maps/static/`) resolve; paths that climb out
    of their folder never do. The file need not exist (check with `.is_file()`).
    """
    parts = PurePosixPath(path).parts
    if not parts or ".." in parts or path.startswith("/"):
        return None
    if parts[0] == "maps" and len(parts) > 1:
        return MAPS_STATIC_DIR.joinpath(*parts[1:])
    if parts[0] != "vendor":
        return None
    rest = "/".join(parts[1:])
    modules = node_modules if node_modules is not None else default_node_modules()
    for vendor in VENDOR_DIRS:
        if rest.startswith(vendor.url + "/"):
            relative = rest[len(vendor.url) + 1 :]
            if vendor.allows(relative):
                return vendor.folder(modules) / relative
    return None


def iter_elements(root: Element) -> Iterator[Element]:
    """Every element below `root` (root included), parents before children, in insertion order."""
    stack: list[Element] = [root]
    while stack:
        element = stack.pop()
        yield element
        children: dict[str, Element] = getattr(element, "_children", {})
        stack.extend(reversed(list(children.values())))


def _check_supported(element: Element) -> None:
    if isinstance(element, folium.Icon):
        raise UnlocalisedResourceError(
            "folium.Icon needs Leaflet.awesome-markers, which assetgraph does not serve; "
            "use the pins of assetgraph.maps (see maps/elements.py)"
        )
    if isinstance(element, folium.Map) and getattr(element, "objects_to_stay_in_front", None):
        raise UnlocalisedResourceError("folium's keep_in_front needs jQuery, which assetgraph does not serve")


def _localised(entries: list[tuple[str, str]], kind: str, static_prefix: str, owner: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, url in entries:
        names = (name,) if name in RESOURCES else FOLIUM_REPLACEMENTS.get(name)
        if names is None:
            raise UnlocalisedResourceError(
                f"{owner} links {kind} {name!r} from {url}; assetgraph serves no copy of it. Add the npm package "
                "to package.json, its files to maps/vendor.py VENDOR_DIRS and RESOURCES, and run `npm install`."
            )
        for local in names:
            resource = RESOURCES[local]
            if resource.kind != kind:
                raise UnlocalisedResourceError(f"{owner} lists {local!r} as {kind}, but it is {resource.kind}")
            out.append((local, local_url(resource, static_prefix)))
    return out


def use_local_resources(root: Element, *, static_prefix: str = DEFAULT_STATIC_PREFIX) -> None:
    """Point every folium/branca element below `root` at our local copies under `static_prefix`.

    Each element gets its own lists (folium's class-level defaults are never mutated). Idempotent:
    running it again (e.g. with another prefix) rewrites the same names.

    Raises:
        UnlocalisedResourceError: an element links a file we do not serve, or needs a library we
            dropped (folium.Icon, keep_in_front).
    """
    for element in iter_elements(root):
        _check_supported(element)
        if isinstance(element, JSCSSMixin):
            owner = type(element).__name__
            element.default_js = _localised(list(element.default_js), "js", static_prefix, owner)
            element.default_css = _localised(list(element.default_css), "css", static_prefix, owner)


def linked_resources(root: Element) -> list[Resource]:
    """The resources the elements below `root` link to, in order, each once (after localising)."""
    seen: dict[str, Resource] = {}
    for element in iter_elements(root):
        if isinstance(element, JSCSSMixin):
            for name, _url in [*element.default_js, *element.default_css]:
                if name in RESOURCES:
                    seen.setdefault(name, RESOURCES[name])
    return list(seen.values())
