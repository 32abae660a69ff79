"""The action plan's page (/plan) in a real headless Chromium, offline: every request to
another host is blocked, and the charts (Apache ECharts, vendored) still draw — for the
bundled data and for a district uploaded as a zip. A figure nothing stored can tell yet
says so. Skipped like the other browser tests when Chromium or Playwright is missing."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from urllib.parse import urlparse

import httpx
import pytest
from test_web_pages import ARGS, CHROMIUM, _require_browser, start_server, stop_server

from tuoyu.data import BUNDLED


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The service, and the id of a district uploaded to it (the bundled tables under
    another district's name, its streets renamed, a third of its institutions closed)."""
    _require_browser()
    home = tmp_path_factory.mktemp("plan_home")
    proc, base = start_server(home)
    try:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for p in sorted(BUNDLED.iterdir()):
                data = p.read_bytes()
                if p.name == "district.geojson":
                    doc = json.loads(data)
                    doc["features"][0]["properties"]["name"] = "临港新区"
                    data = json.dumps(doc, ensure_ascii=False).encode()
                if p.name == "streets.csv":
                    data = data.decode("utf-8-sig").replace("街道", "社区").encode()
                zf.writestr("lg/" + p.name, data)
        r = httpx.post(base + "/api/v1/datasets", timeout=120,
                       files={"file": ("lingang.zip", buf.getvalue(), "application/zip")},
                       data={"name": "临港新区"})
        assert r.status_code == 201, r.text
        yield base, r.json()["id"]
    finally:
        stop_server(proc)


@pytest.fixture
def offline_page(service: tuple[str, str]) -> Iterator[tuple[object, list[str]]]:
    from playwright.sync_api import sync_playwright

    base, _ = service
    host = urlparse(base).netloc
    blocked: list[str] = []

    def only_ours(route) -> None:  # noqa: ANN001
        if urlparse(route.request.url).netloc == host:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        ctx = b.new_context(base_url=base, viewport={"width": 1400, "height": 900})
        ctx.route("**/*", only_ours)
        pg = ctx.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        try:
            yield pg, blocked
        finally:
            ctx.close()
            b.close()
        assert not errors, f"script errors in the page: {errors}"


def _figures(pg) -> dict[str, dict[str, str]]:  # noqa: ANN001
    out = {}
    for card in pg.locator(".plan-figure").all():
        out[card.get_attribute("data-code")] = {
            "known": card.get_attribute("data-known"), "text": card.inner_text(),
            "charts": str(card.locator(".plan-chart svg").count())}
    return out


def test_the_plan_page_draws_its_charts_offline_for_the_bundled_data(offline_page) -> None:
    pg, blocked = offline_page
    pg.goto("/plan?dataset=baoshan&year=2027")
    pg.wait_for_selector("body[data-plan-ready='2027']", timeout=60_000)
    assert "宝山区" in pg.inner_text("#plan-title") and "2027" in pg.inner_text("#plan-title")
    figs = _figures(pg)
    assert len(figs) == 8
    for code in ("scorecard.integrated", "scorecard.inclusive"):
        assert figs[code]["known"] == "yes" and figs[code]["charts"] == "1", code
        assert "数据来源" in figs[code]["text"]
    # no calendar made yet: said so, not 0, and no chart drawn from nothing
    assert figs["scorecard.sessions"]["known"] == "no"
    assert "尚无法得知" in figs["scorecard.sessions"]["text"]
    assert figs["scorecard.sessions"]["charts"] == "0"
    chart = ".plan-figure[data-code='scorecard.integrated'] .plan-chart svg"
    assert pg.locator(f"{chart} path").count() > 13  # a bar per street and more
    size = pg.eval_on_selector(chart, "e => [e.getBoundingClientRect().width, "
                                      "e.getBoundingClientRect().height]")
    assert size[0] > 300 and size[1] > 200, size  # drawn at the size of its place
    assert pg.locator(f"{chart} text", has_text="宝山工业园区").count() == 1  # a street axis
    assert pg.evaluate("typeof echarts") == "object"
    href = pg.get_attribute("#plan-xlsx", "href")
    assert href and "/scorecard.xlsx?year=2027" in href
    assert all(urlparse(u).scheme in ("data", "blob") for u in blocked), blocked


def test_the_plan_page_for_an_uploaded_district(offline_page, service) -> None:
    pg, blocked = offline_page
    _, dataset = service
    pg.goto(f"/plan?dataset={dataset}&year=2028")
    pg.wait_for_selector("body[data-plan-ready='2028']", timeout=60_000)
    assert "临港新区" in pg.inner_text("#plan-title")
    assert pg.input_value("#dataset") == dataset  # the selector names the district shown
    figs = _figures(pg)
    assert figs["scorecard.inclusive"]["charts"] == "1"
    card = ".plan-figure[data-code='scorecard.inclusive']"
    pg.click(f"{card} summary")  # the streets' table, opened as a planner would
    assert pg.locator(f"{card} table tbody tr").count() == 13
    assert "社区" in pg.inner_text(f"{card} table")
    assert all(urlparse(u).scheme in ("data", "blob") for u in blocked), blocked
