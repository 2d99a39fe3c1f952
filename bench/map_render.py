"""Time to render the asset map of N synthetic assets (default 10,000) in headless Chromium.

Builds the map with `bench/map_size.py`'s synthetic assets (every popup field filled, 1-3 needs each,
60 GP practices; tiles off), then opens it in Debian's Chromium (Playwright, never a downloaded
browser) in two forms:

- linked: the page as the API serves it, scripts from /static (a local uvicorn app with the same
  static mount as the API, on 127.0.0.1);
- standalone: the file `assetgraph map ... --out` writes (everything inlined), from file://.

For each run it reports the load event (navigation start to loadEventEnd) and "drawn": navigation
start until every marker is in its layer and the cluster icons are on the screen. Prints one line
per form with the median and worst of --runs runs.

    python bench/map_render.py --assets 10000 --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from map_size import NEEDS, synthetic_assets, synthetic_practices

from assetgraph.api.static import mount_static
from assetgraph.maps import asset_map, need_styles, render_html

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DRAWN_JS = """(expected) => {
  const layers = Object.keys(window).filter((k) => k.startsWith("point_layer_"));
  const markers = layers.reduce((n, k) => n + window[k].getLayers().length, 0);
  return markers === expected && document.querySelectorAll(".ag-cluster").length > 0;
}"""


def serve(page: str) -> tuple[str, uvicorn.Server, threading.Thread]:
    """Serve `page` at / with the API's static mount, on 127.0.0.1 (a free port)."""
    app = FastAPI()
    mount_static(app)

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return page

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return f"http://127.0.0.1:{port}/", server, thread


def measure(browser: object, url: str, markers: int, runs: int) -> tuple[list[float], list[float]]:
    """Load event and fully drawn times (ms) of `runs` fresh loads of `url`."""
    loads: list[float] = []
    drawn: list[float] = []
    errors: list[str] = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url, wait_until="load", timeout=120_000)
        page.wait_for_function(DRAWN_JS, arg=markers, timeout=120_000, polling=20)
        done = page.evaluate("performance.now()")
        timing = page.evaluate("JSON.parse(JSON.stringify(performance.getEntriesByType('navigation')[0]))")
        loads.append(float(timing["loadEventEnd"]))
        drawn.append(float(done))
        if errors:
            raise RuntimeError(f"the page failed: {errors}")
        context.close()
    return loads, drawn


def main() -> int:
    """Build, serve, open and time the map; print one line per form."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    assets = synthetic_assets(args.assets)
    practices = synthetic_practices()
    markers = sum(len(a.needs) for a in assets) + len(practices)
    m = asset_map(assets=assets, practices=practices, need_styles=need_styles(NEEDS), tiles="none")
    linked = render_html(m)
    standalone = render_html(m, inline=True)
    url, server, thread = serve(linked)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "map.html"
        file.write_text(standalone, encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                for name, target, size in (
                    ("linked", url, len(linked.encode())),
                    ("standalone", file.as_uri(), len(standalone.encode())),
                ):
                    loads, drawn = measure(browser, target, markers, args.runs)
                    print(
                        f"{name}: assets={len(assets)} markers={markers} html_bytes={size} "
                        f"load_ms median={statistics.median(loads):.0f} max={max(loads):.0f} "
                        f"drawn_ms median={statistics.median(drawn):.0f} max={max(drawn):.0f} runs={args.runs}"
                    )
            finally:
                browser.close()
    server.should_exit = True
    thread.join(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
