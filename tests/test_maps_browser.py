"""The maps in a real browser: headless Chromium runs a standalone page and reports what it saw.

Skipped when Chromium or node_modules (`npm ci`) is missing. No network: tiles are off and every
script is inlined.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from assetgraph.graph.model import AbcdKind, AreaLevel
from assetgraph.graph.read_model import AreaView, AssetView, ConnectorView, GPPracticeView
from assetgraph.maps import asset_map, connector_map, render_html
from assetgraph.maps.vendor import default_node_modules

CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None
)
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)"),
    pytest.mark.skipif(not (default_node_modules() / "leaflet").is_dir(), reason="node_modules missing: run `npm ci`"),
]

EVIL = '<img src=x onerror="window.__pwned=1">Evil & Co'

_PROBE_HEAD = """<script>
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push(String(e.message)); });
</script>"""

_PROBE_BODY = """<script>
(async function () {
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const out = {};
  try {
    await wait(300);
    const names = Object.keys(window).filter((k) => k.startsWith("point_layer_"));
    out.pointLayers = names.length;
    out.markers = names.reduce((n, k) => n + window[k].getLayers().length, 0);
    out.clusters = document.querySelectorAll(".ag-cluster").length;
    out.pins = document.querySelectorAll(".ag-pin").length;
    out.legends = Array.from(document.querySelectorAll(".ag-legend-title")).map((e) => e.textContent);
    out.overlays = Array.from(document.querySelectorAll(".leaflet-control-layers-overlays label"))
      .map((e) => e.textContent.trim());
    let evil = null;
    names.forEach((k) => window[k].eachLayer((m) => {
      if (!evil && m.options.title && m.options.title.includes("Evil")) evil = m;
    }));
    if (evil) {
      if (window[names[0]].zoomToShowLayer) { await new Promise((r) => window[names[0]].zoomToShowLayer(evil, r)); }
      evil.openPopup();
      await wait(100);
      const popup = document.querySelector(".leaflet-popup-content");
      out.popupText = popup ? popup.textContent : null;
      out.popupImages = popup ? popup.querySelectorAll("img").length : -1;
      out.popupLinks = popup ? Array.from(popup.querySelectorAll("a")).map((a) => a.getAttribute("href")) : [];
      evil.closePopup();
    }
    const input = document.querySelector(".leaflet-control-search input");
    out.searchLabel = input ? input.getAttribute("aria-label") : null;
    if (input) {
      document.querySelector(".leaflet-control-search .search-button").click();
      input.value = "walking";
      input.dispatchEvent(new KeyboardEvent("keyup", { keyCode: 71, bubbles: true }));
      await wait(700);
      out.tips = Array.from(document.querySelectorAll(".search-tip")).map((t) => t.textContent);
      const tip = document.querySelector(".search-tip");
      if (tip) { tip.click(); await wait(1200); }
      const title = document.querySelector(".leaflet-popup-content .ag-popup-title");
      out.searchOpened = title ? title.textContent : null;
    }
    out.lines = Object.keys(window).filter((k) => k.startsWith("link_layer_"))
      .reduce((n, k) => n + window[k].getLayers().length, 0);
  } catch (e) {
    out.exception = String(e && e.stack || e);
  }
  out.errors = window.__errors;
  out.pwned = Boolean(window.__pwned);
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def run_in_browser(page: str, tmp_path: Path) -> dict[str, object]:
    """Open `page` in headless Chromium with the probe, return the probe's findings."""
    probed = page.replace("<head>", "<head>" + _PROBE_HEAD, 1).replace("</html>", _PROBE_BODY + "</html>")
    file = tmp_path / "map.html"
    file.write_text(probed, encoding="utf-8")
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=15000",
            "--window-size=1280,800",
            "--dump-dom",
            file.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.S)
    assert found, f"the probe did not report (exit {result.returncode}): {result.stderr[-2000:]}"
    data: dict[str, object] = json.loads(found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    return data


SQUARE = "POLYGON((-2.36 53.40, -2.30 53.40, -2.30 53.44, -2.36 53.44, -2.36 53.40))"


def _assets(n: int) -> list[AssetView]:
    assets = [
        AssetView(
            id="evil",
            name=EVIL,
            kind=AbcdKind.ASSOCIATION,
            lat=53.42,
            lon=-2.33,
            needs=("isolation",),
            website="javascript:window.__pwned=1",
            referrals_90d=1,
            capacity=10,
            spare_places=4,
            usage_illustrative=True,
        ),
        AssetView(
            id="walk",
            name="Walking for Health",
            kind=AbcdKind.ASSOCIATION,
            lat=53.41,
            lon=-2.31,
            needs=("physical-activity",),
        ),
    ]
    assets += [
        AssetView(
            id=f"a{i}",
            name=f"Group {i}",
            kind=AbcdKind.PHYSICAL,
            lat=53.40 + (i % 97) * 4e-4,
            lon=-2.36 + (i // 97) * 4e-4,
            needs=("food",),
        )
        for i in range(n)
    ]
    return assets


def test_asset_map_runs_escapes_and_searches(tmp_path: Path) -> None:
    areas = [
        AreaView(code="E1", name="LSOA <b>1</b>", level=AreaLevel.LSOA, geometry=SQUARE, imd_decile=2, gap_score=1.0),
        AreaView(code="W1", name="Ward 1", level=AreaLevel.WARD, geometry=SQUARE),
    ]
    m = asset_map(
        assets=_assets(20),
        practices=[GPPracticeView(ods_code="P1", name="Park Medical", lat=53.42, lon=-2.32)],
        areas=areas,
        near=(53.42, -2.33),
        tiles="none",
    )
    seen = run_in_browser(render_html(m, inline=True), tmp_path)
    assert seen.get("exception") is None and seen["errors"] == [], seen
    assert seen["pwned"] is False
    assert seen["pointLayers"] == 4  # isolation, physical activity, food, GPs
    assert seen["popupImages"] == 0 and EVIL in str(seen["popupText"])
    assert "(illustrative)" in str(seen["popupText"])
    assert seen["popupLinks"] == ["/assets/evil"], "javascript: URLs are never links"
    assert "Assets by need" in seen["legends"]  # type: ignore[operator]
    assert any("Gap score" in name for name in seen["overlays"])  # type: ignore[attr-defined]
    assert seen["searchLabel"] == "Search by name"
    assert seen["tips"] == ["Walking for Health"]
    assert seen["searchOpened"] == "Walking for Health"


def test_clustered_and_connector_maps_run(tmp_path: Path) -> None:
    m = asset_map(assets=_assets(1500), tiles="none")
    seen = run_in_browser(render_html(m, inline=True), tmp_path)
    assert seen.get("exception") is None and seen["errors"] == [], seen
    assert int(seen["clusters"]) > 0  # type: ignore[call-overload]
    assert seen["markers"] == 1502
    assert seen["popupImages"] == 0

    assets = _assets(5)
    connectors = [
        ConnectorView(id="c1", display_name="Sam", role="connector", connects=("walk", "a1"), illustrative=True)
    ]
    seen = run_in_browser(
        render_html(connector_map(connectors=connectors, assets=assets, tiles="none"), inline=True), tmp_path
    )
    assert seen.get("exception") is None and seen["errors"] == [], seen
    assert seen["pointLayers"] == 2  # linked and orphan assets
    assert int(seen["lines"]) >= 1  # type: ignore[call-overload]
