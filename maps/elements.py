"""The folium elements of our maps: they write compact JSON into the page for `assetgraph-maps.js`.

Each element renders one or two lines of script that hand a JSON table to a function of
`maps/static/assetgraph-maps.js` (markers, popups, area layers, legends, the name search), so a map
of thousands of assets stays small and every piece of public text reaches the page as JSON data,
put into the document with `textContent`, never as HTML.

Layer names (shown by Leaflet's layer control as HTML) and legend bodies are HTML built here and in
`maps/styles.py`, with every piece of data escaped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from assetgraph.maps.vendor import RESOURCES, local_url


def script_json(value: Any) -> str:
    """`value` as compact JSON that is safe inside an HTML <script> element.

    `<`, `>` and `&` become \\u escapes, so no string can close the script element or open a
    comment; U+2028/U+2029 are escaped for older JavaScript parsers. NaN/Infinity are refused.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _links(*names: str) -> list[tuple[str, str]]:
    return [(name, local_url(RESOURCES[name])) for name in names]


_OWN_JS = ("assetgraph_maps_js",)
_OWN_CSS = ("fontawesome_css", "fontawesome_solid_css", "assetgraph_maps_css")
_CLUSTER_JS = ("markerclusterjs",)
_CLUSTER_CSS = ("markerclustercss",)


class _OwnScript(JSCSSMixin, MacroElement):
    """Base of the elements that call assetgraph-maps.js (it and its CSS are linked once per page)."""

    default_js = _links(*_OWN_JS)
    default_css = _links(*_OWN_CSS)


class MapSetup(_OwnScript):
    """Creates the map's panes (areas under outlines under markers), labels the map, marks a tile-less one."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        AssetgraphMaps.init({{ this._parent.get_name() }}, {{ this.options }});
        {% endmacro %}
        """
    )

    def __init__(self, *, plain_background: bool, title: str, attribution: str | None = None) -> None:
        """`title` (plain text) labels the map for screen readers; `attribution` is escaped HTML."""
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MapSetup"
        self.options = script_json({"plain": plain_background, "title": title, "attribution": attribution})


class DataTable(_OwnScript):
    """A table of points (assets, GP practices or connectors) as JSON: `columns` plus `rows`."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = AssetgraphMaps.{{ this.kind }}({{ this.payload }});
        {% endmacro %}
        """
    )

    def __init__(self, *, kind: str, payload: Mapping[str, Any]) -> None:
        """`kind` is "assets", "practices" or "connectors"; `payload` the JSON-ready table."""
        super().__init__()  # type: ignore[no-untyped-call]
        if kind not in ("assets", "practices", "connectors"):
            raise ValueError(f"unknown table kind {kind!r}")
        self._name = "DataTable"
        self.kind = kind
        self.payload = script_json(payload)
        self.size = len(payload.get("rows", ()))


class _OwnLayer(JSCSSMixin, Layer):
    """Base of our toggleable layers: `label_html` is the (escaped) name in the layer control."""

    def __init__(self, *, label_html: str, show: bool, control: bool = True, cluster: bool = False) -> None:
        super().__init__(name=label_html, overlay=True, control=control, show=show)
        self.default_js = _links(*_OWN_JS, *(_CLUSTER_JS if cluster else ()))
        self.default_css = _links(*_OWN_CSS, *(_CLUSTER_CSS if cluster else ()))


class PointLayer(_OwnLayer):
    """Markers for the rows of a DataTable that pass a filter, clustered or not."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = AssetgraphMaps.pointLayer({{ this.table.get_name() }}, {{ this.spec }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        table: DataTable,
        label_html: str,
        colour: str,
        icon: str,
        shape: str = "round",
        filter: Mapping[str, Any] | None = None,
        cluster: bool = False,
        show: bool = True,
    ) -> None:
        """`filter`: {"need": index} (-1: no need), {"linked": bool}, or None for every row."""
        super().__init__(label_html=label_html, show=show, cluster=cluster)
        self._name = "PointLayer"
        self.table = table
        self.cluster = cluster
        self.spec = script_json({"colour": colour, "icon": icon, "shape": shape, "filter": filter, "cluster": cluster})


class ConnectorLayer(_OwnLayer):
    """Connector markers (popups list the assets they link)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = AssetgraphMaps.connectorLayer(
            {{ this.connectors.get_name() }}, {{ this.assets.get_name() }}, {{ this.spec }});
        {% endmacro %}
        """
    )

    def __init__(
        self, *, connectors: DataTable, assets: DataTable, label_html: str, colour: str, icon: str, show: bool = True
    ) -> None:
        """Draw the rows of `connectors`; their `assets` column indexes rows of `assets`."""
        super().__init__(label_html=label_html, show=show)
        self._name = "ConnectorLayer"
        self.connectors = connectors
        self.assets = assets
        self.spec = script_json({"colour": colour, "icon": icon, "shape": "diamond", "cluster": False})


class LinkLayer(_OwnLayer):
    """Lines from each connector to each asset they link."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = AssetgraphMaps.linkLayer(
            {{ this.connectors.get_name() }}, {{ this.assets.get_name() }}, {{ this.spec }});
        {% endmacro %}
        """
    )

    def __init__(
        self, *, connectors: DataTable, assets: DataTable, label_html: str, colour: str, show: bool = True
    ) -> None:
        """Lines in `colour` from each connector row to the asset rows it indexes."""
        super().__init__(label_html=label_html, show=show)
        self._name = "LinkLayer"
        self.connectors = connectors
        self.assets = assets
        self.spec = script_json({"colour": colour})


class AreaTable(MacroElement):
    """Area boundaries as one GeoJSON FeatureCollection, shared by every area layer of the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {{ this.payload }};
        {% endmacro %}
        """
    )

    def __init__(self, *, collection: Mapping[str, Any]) -> None:
        """`collection`: features whose properties hold `i` (index), `name` and tooltip `rows`."""
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "AreaTable"
        self.payload = script_json(collection)
        self.size = len(collection.get("features", ()))


class AreaLayer(_OwnLayer):
    """A choropleth (one fill colour per feature) or an outline layer over an AreaTable."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = AssetgraphMaps.areaLayer({{ this.table.get_name() }}, {{ this.spec }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        table: AreaTable,
        label_html: str,
        colours: Sequence[str | None] | None,
        pane: str,
        show: bool = True,
    ) -> None:
        """`colours[i]` fills feature i ("#rrggbb", None = no data); `colours=None` draws outlines only."""
        super().__init__(label_html=label_html, show=show)
        self._name = "AreaLayer"
        self.table = table
        self.spec = script_json({"colours": list(colours) if colours is not None else None, "pane": pane})


class NearLayer(_OwnLayer):
    """The search radius: a dashed circle around the point a `near` question was asked from."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = AssetgraphMaps.near({{ this.spec }});
        {% endmacro %}
        """
    )

    def __init__(self, *, lat: float, lon: float, radius_m: float, label: str, label_html: str) -> None:
        """`label` (plain text) names the centre in its tooltip."""
        super().__init__(label_html=label_html, show=True)
        self._name = "NearLayer"
        self.spec = script_json({"lat": lat, "lon": lon, "radius": radius_m, "label": label})


class Legend(_OwnScript):
    """A legend box; with `layer`, it shows only while that layer is on the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        AssetgraphMaps.legend({{ this._parent.get_name() }}, {{ this.body }},
            {{ this.layer.get_name() if this.layer else "null" }}, {{ this.position }});
        {% endmacro %}
        """
    )

    def __init__(self, *, body_html: str, layer: Layer | None = None, position: str = "bottomright") -> None:
        """`body_html` is built by `maps.styles.legend_html` (escaped); add after `layer`."""
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.body = script_json(body_html)
        self.layer = layer
        self.position = script_json(position)


class NameSearch(_OwnScript):
    """A search box over the names in some DataTables; choosing a name opens its marker's popup."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        AssetgraphMaps.search({{ this._parent.get_name() }},
            [{{ this.table_names }}],
            {{ this.options }});
        {% endmacro %}
        """
    )

    default_js = _links(*_OWN_JS, "Leaflet.Search.js")
    default_css = _links(*_OWN_CSS, "Leaflet.Search.css")

    def __init__(self, *, tables: Sequence[DataTable], placeholder: str = "Search by name") -> None:
        """Search the `name` column of `tables` (assets, practices, connectors)."""
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "NameSearch"
        self.tables = list(tables)
        self.table_names = ",".join(table.get_name() for table in self.tables)
        self.options = script_json({"placeholder": placeholder, "position": "topleft"})
