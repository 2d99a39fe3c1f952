"""Render a map to HTML: linked to the static files the API serves, or standalone with them inlined.

- `render_html(m)` links `{static_prefix}/vendor/...` and `{static_prefix}/maps/...` (what the API
  serves; `static_prefix` defaults to the one the map was built with, "/static").
- `render_html(m, inline=True)` puts every script and style sheet into the page, and the images
  and fonts they use as data: URLs, so the file works on its own, offline (with `tiles="none"`, or
  with tiles when online). This is what `assetgraph map ... --out FILE.html` should write. It needs
  `node_modules` (run `npm ci`).

Either way the page is checked before it is returned: no script or style sheet may come from
another host.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path, PurePosixPath

import folium

from assetgraph.maps.page import STATIC_PREFIX_ATTRIBUTE
from assetgraph.maps.vendor import (
    DEFAULT_STATIC_PREFIX,
    INSTALL_COMMAND,
    RESOURCES,
    Resource,
    local_url,
    resource_file,
    use_local_resources,
)

_SCRIPT_TAG = re.compile(r'<script src="([^"]*)"></script>')
_LINK_TAG = re.compile(r'<link rel="stylesheet" href="([^"]*)"\s*/?>')
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_TTF_SOURCE = re.compile(r""",\s*url\([^)]*\.ttf\)\s*format\(["']truetype["']\)""")
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)

mimetypes.add_type("font/woff2", ".woff2")
mimetypes.add_type("font/ttf", ".ttf")
mimetypes.add_type("image/svg+xml", ".svg")


class MissingStaticFileError(FileNotFoundError):
    """A file the page needs is not on disk (usually: `npm ci` has not been run)."""


def _read(path: str) -> bytes:
    file = resource_file(path)
    if file is None or not file.is_file():
        raise MissingStaticFileError(
            f"static file {path!r} not found ({file}); run `{INSTALL_COMMAND}` in the repository to install it"
        )
    return file.read_bytes()


def _data_url(path: str) -> str:
    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(_read(path)).decode('ascii')}"


def _inline_css(resource: Resource) -> str:
    text = _read(resource.path).decode("utf-8")
    text = _TTF_SOURCE.sub("", text)  # every browser that runs the map reads woff2
    base = PurePosixPath(resource.path).parent

    def replace(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if target.startswith(("data:", "#")) or _REMOTE.match(target):
            return match.group(0)
        parts: list[str] = []
        for part in (base / target.split("?")[0].split("#")[0]).parts:
            if part == "..":
                if parts:
                    parts.pop()
            elif part != ".":
                parts.append(part)
        return f'url("{_data_url("/".join(parts))}")'

    text = _CSS_URL.sub(replace, text)
    return "<style>\n" + re.sub(r"</(style)", r"<\\/\1", text, flags=re.IGNORECASE) + "\n</style>"


def _inline_js(resource: Resource) -> str:
    text = _SOURCE_MAP.sub("", _read(resource.path).decode("utf-8"))
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    text = text.replace("<!--", "<\\!--")
    return "<script>\n" + text + "\n</script>"


def check_local_only(page: str, *, static_prefix: str = DEFAULT_STATIC_PREFIX) -> None:
    """Raise ValueError if a <script src> or stylesheet <link> of `page` points at another host.

    URLs under `static_prefix` are ours even when the prefix is absolute (an exported page may load
    the files from the assetgraph server that serves them).
    """
    own = static_prefix.rstrip("/") + "/"
    for url in [*_SCRIPT_TAG.findall(page), *_LINK_TAG.findall(page)]:
        if _REMOTE.match(url) and not url.startswith(own):
            raise ValueError(f"map page would load {url} from another host; every script and style must be local")


def render_html(m: folium.Map, *, inline: bool = False, static_prefix: str | None = None) -> str:
    """The whole HTML page of map `m`.

    Args:
        m: A map from one of the builders (or any folium map whose plugins we serve).
        inline: Put scripts, style sheets, images and fonts into the page (standalone file).
        static_prefix: Where linked files are loaded from; default: the prefix the map was built with.

    Raises:
        MissingStaticFileError: `inline` and a file is missing (run `npm ci`).
        UnlocalisedResourceError: the map uses a library we do not serve.
        ValueError: the page would load a script or style sheet from another host.
    """
    prefix = static_prefix or str(getattr(m, STATIC_PREFIX_ATTRIBUTE, DEFAULT_STATIC_PREFIX))
    root = m.get_root()
    use_local_resources(root, static_prefix=prefix)
    page: str = root.render()
    if inline:
        by_url = {local_url(resource, prefix): resource for resource in RESOURCES.values()}

        def script(match: re.Match[str]) -> str:
            resource = by_url.get(match.group(1))
            return _inline_js(resource) if resource is not None and resource.kind == "js" else match.group(0)

        def style(match: re.Match[str]) -> str:
            resource = by_url.get(match.group(1))
            return _inline_css(resource) if resource is not None and resource.kind == "css" else match.group(0)

        page = _SCRIPT_TAG.sub(script, page)
        page = _LINK_TAG.sub(style, page)
    check_local_only(page, static_prefix=prefix)
    return page


def write_html(m: folium.Map, path: Path, *, inline: bool = True, static_prefix: str | None = None) -> int:
    """Write map `m` to `path` as UTF-8 (standalone by default); returns the size in bytes."""
    data = render_html(m, inline=inline, static_prefix=static_prefix).encode("utf-8")
    path.write_bytes(data)
    return len(data)
