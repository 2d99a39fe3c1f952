"""The connector map: community connectors, the assets they link people to (as lines), and orphans.

Connectors are diamonds, linked assets blue pins, and assets no connector links ("orphans") red
pins with a ring, in their own layer so they can be seen alone. Popups list what each connector
links; demo (illustrative) connectors say so.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence

import folium

from assetgraph.graph.read_model import AreaView, AssetView, ConnectorView, GPPracticeView
from assetgraph.maps.areas import add_outlines
from assetgraph.maps.elements import ConnectorLayer, DataTable, Legend, LinkLayer, PointLayer
from assetgraph.maps.layers import CLUSTER_THRESHOLD, add_asset_table, add_practices, styles_for_assets
from assetgraph.maps.page import bounds_of, finish_map, new_map
from assetgraph.maps.styles import (
    CONNECTOR_COLOUR,
    CONNECTOR_ICON,
    LINKED_ASSET_COLOUR,
    LINKED_ASSET_ICON,
    ORPHAN_ASSET_COLOUR,
    ORPHAN_ASSET_ICON,
    NeedStyle,
    legend_html,
    swatch_html,
)
from assetgraph.maps.tables import connector_table
from assetgraph.maps.tiles import TileSetting, resolve_tiles
from assetgraph.maps.vendor import DEFAULT_STATIC_PREFIX


def linked_counts(connectors: Sequence[ConnectorView]) -> Counter[str]:
    """How many connectors link each asset id."""
    counts: Counter[str] = Counter()
    for connector in connectors:
        counts.update(dict.fromkeys(connector.connects, 1))
    return counts


def connector_map(
    *,
    connectors: Sequence[ConnectorView],
    assets: Sequence[AssetView],
    practices: Sequence[GPPracticeView] = (),
    wards: Sequence[AreaView] = (),
    need_styles: Mapping[str, NeedStyle] | None = None,
    tiles: TileSetting | str | None = None,
    static_prefix: str = DEFAULT_STATIC_PREFIX,
    asset_url: str | None = "/assets/{id}",
    cluster_threshold: int = CLUSTER_THRESHOLD,
    title: str = "Community connectors",
    data_attribution: str | None = None,
) -> folium.Map:
    """Build the connector map from records (no database access).

    Args:
        connectors: The connectors; each is drawn at its location, or at the centroid of the assets
            it links when it has none.
        assets: The assets of the area. Those no connector links are the orphans; asset ids that
            connectors name but `assets` lacks are not drawn.
        practices: GP practices (their own layer, off at first), optional.
        wards: Ward boundaries to outline, optional.
        need_styles: Styles of the needs named in the asset popups.
        tiles: Tile setting, "osm", "none", a tile URL, or None for `$ASSETGRAPH_TILES`.
        static_prefix: Where the page loads Leaflet and our script from.
        asset_url: Link of the asset page, with `{id}`; None for no link.
        cluster_threshold: Cluster the asset markers when there are more than this many.
        title: Page title.
        data_attribution: Plain-text credit for the data.
    """
    setting = resolve_tiles(tiles)
    m = new_map(title=title, tiles=setting, data_attribution=data_attribution)
    add_outlines(m, areas=wards, name="Ward boundaries")

    counts = linked_counts(connectors)
    linked = {asset.id: counts.get(asset.id, 0) for asset in assets}
    n_orphans = sum(1 for value in linked.values() if value == 0)
    n_linked = len(assets) - n_orphans
    cluster = len(assets) > cluster_threshold
    styles = styles_for_assets(assets, need_styles)
    search: list[DataTable] = []

    assets_table = add_asset_table(m, assets, styles=styles, asset_url=asset_url, linked=linked)
    connectors_table = DataTable(
        kind="connectors", payload=connector_table(connectors, assets=assets, practices=practices)
    )
    connectors_table.add_to(m)
    search.extend([assets_table, connectors_table])

    links_label = f"{swatch_html(CONNECTOR_COLOUR, shape='line')}Links from connectors to assets"
    LinkLayer(connectors=connectors_table, assets=assets_table, label_html=links_label, colour=CONNECTOR_COLOUR).add_to(
        m
    )
    PointLayer(
        table=assets_table,
        label_html=f"{swatch_html(LINKED_ASSET_COLOUR, LINKED_ASSET_ICON)}Assets a connector links ({n_linked:,})",
        colour=LINKED_ASSET_COLOUR,
        icon=LINKED_ASSET_ICON,
        filter={"linked": True},
        cluster=cluster,
    ).add_to(m)
    PointLayer(
        table=assets_table,
        label_html=(
            f"{swatch_html(ORPHAN_ASSET_COLOUR, ORPHAN_ASSET_ICON)}"
            f"{html.escape('Orphan assets: no connector links them')} ({n_orphans:,})"
        ),
        colour=ORPHAN_ASSET_COLOUR,
        icon=ORPHAN_ASSET_ICON,
        shape="ring",
        filter={"linked": False},
        cluster=cluster,
    ).add_to(m)
    ConnectorLayer(
        connectors=connectors_table,
        assets=assets_table,
        label_html=f"{swatch_html(CONNECTOR_COLOUR, CONNECTOR_ICON, shape='square')}Connectors ({len(connectors):,})",
        colour=CONNECTOR_COLOUR,
        icon=CONNECTOR_ICON,
    ).add_to(m)
    practice_table = add_practices(m, practices, cluster_threshold=cluster_threshold, show=False)
    if practice_table is not None:
        search.append(practice_table)

    Legend(
        body_html=legend_html(
            "Connectors and assets",
            [
                (swatch_html(CONNECTOR_COLOUR, CONNECTOR_ICON, shape="square"), "Connector"),
                (swatch_html(CONNECTOR_COLOUR, shape="line"), "Connector links people to asset"),
                (swatch_html(LINKED_ASSET_COLOUR, LINKED_ASSET_ICON), "Asset a connector links"),
                (swatch_html(ORPHAN_ASSET_COLOUR, ORPHAN_ASSET_ICON), "Orphan asset: no connector links it"),
            ],
            note="Connectors marked (illustrative) are generated for the demo"
            if any(c.illustrative for c in connectors)
            else None,
        ),
        position="bottomleft",
    ).add_to(m)

    points = [(a.lat, a.lon) for a in assets] + [
        (c.lat, c.lon) for c in connectors if c.lat is not None and c.lon is not None
    ]
    return finish_map(m, bounds=bounds_of(points), search=search, static_prefix=static_prefix)
