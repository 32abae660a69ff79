"""The action plan's page (/plan) in a real headless Chromium, offline: every request to
another host is aborted, and the charts (Apache ECharts, vendored) still draw — for the
bundled data (no calendar or siting plan made: those figures say they are unknown) and
for another district uploaded as a zip with its siting plan made in the pages (the
figures it gives come from that plan). Uses the session's server and browser
(conftest.py)."""

from __future__ import annotations

from urllib.parse import urlparse


def _offline(page, server: str) -> list[str]:  # noqa: ANN001
    """Abort every request to another host; returns the list of what was aborted."""
    host = urlparse(server).netloc
    blocked: list[str] = []

    def only_ours(route) -> None:  # noqa: ANN001
        if urlparse(route.request.url).netloc == host:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    return blocked


def _figures(pg) -> dict[str, dict[str, str]]:  # noqa: ANN001
    out = {}
    for card in pg.locator(".plan-figure").all():
        out[card.get_attribute("data-code")] = {
            "known": card.get_attribute("data-known"), "text": card.inner_text(),
            "charts": str(card.locator(".plan-chart svg").count())}
    return out


def _drawn(pg, code: str) -> list[float]:  # noqa: ANN001
    chart = f".plan-figure[data-code='scorecard.{code}'] .plan-chart svg"
    return pg.eval_on_selector(chart, "e => [e.getBoundingClientRect().width, "
                                      "e.getBoundingClientRect().height]")


def test_the_plan_page_draws_its_charts_offline_for_the_bundled_data(page, server) -> None:
    blocked = _offline(page, server)
    page.goto("/plan?dataset=baoshan&year=2027")
    page.wait_for_selector("body[data-plan-ready='2027']", timeout=60_000)
    assert "宝山区" in page.inner_text("#plan-title") and "2027" in page.inner_text("#plan-title")
    figs = _figures(page)
    # every target of the action plan, one figure each (the planners' own included)
    assert {"scorecard.on_site", "scorecard.integrated", "scorecard.inclusive",
            "scorecard.sessions", "scorecard.visits_within_window"} <= set(figs)
    assert len(figs) == 9
    for code in ("scorecard.integrated", "scorecard.inclusive"):
        assert figs[code]["known"] == "yes" and figs[code]["charts"] == "1", code
        assert "数据来源" in figs[code]["text"]
    chart = ".plan-figure[data-code='scorecard.integrated'] .plan-chart svg"
    assert page.locator(f"{chart} path").count() > 13  # a bar per street and more
    width, height = _drawn(page, "integrated")
    assert width > 300 and height > 200  # drawn at the size of its place
    assert page.locator(f"{chart} text", has_text="宝山工业园区").count() == 1  # the axis
    # no calendar made for this data in this session's store yet: said so, no chart
    if figs["scorecard.sessions"]["known"] == "no":
        assert "尚无法得知" in figs["scorecard.sessions"]["text"]
        assert figs["scorecard.sessions"]["charts"] == "0"
    assert page.evaluate("typeof echarts") == "object"
    href = page.get_attribute("#plan-xlsx", "href")
    assert href and "/scorecard.xlsx?year=2027" in href
    assert all(urlparse(u).scheme in ("data", "blob") for u in blocked), blocked


def _upload_and_plan(server: str) -> str:
    """Another district uploaded as a zip (the bundled tables under another name, its
    streets renamed), and its siting plan made in the service; returns its id."""
    import io
    import json
    import time
    import zipfile

    import httpx

    from tuoyu.data import BUNDLED

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
    r = httpx.post(server + "/api/v1/datasets", timeout=120, data={"name": "临港新区"},
                   files={"file": ("lingang.zip", buf.getvalue(), "application/zip")})
    assert r.status_code == 201, r.text
    ds = r.json()["id"]
    job = httpx.post(server + "/api/v1/jobs", json={"kind": "siting", "dataset_id": ds,
                     "params": {"years": "2027-2029", "use_network": False}}).json()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = httpx.get(f"{server}/api/v1/jobs/{job['id']}").json()
        if state["status"] not in ("queued", "running"):
            assert state["status"] == "done", state
            return ds
        time.sleep(0.3)
    raise AssertionError("the siting job did not finish")


def test_the_plan_page_for_an_uploaded_district_reads_its_plans(page, server) -> None:
    dataset = _upload_and_plan(server)
    blocked = _offline(page, server)
    page.goto(f"/plan?dataset={dataset}&year=2028")
    page.wait_for_selector("body[data-plan-ready='2028']", timeout=60_000)
    assert "临港新区" in page.inner_text("#plan-title")
    assert page.input_value("#dataset") == dataset  # the selector names the district shown
    figs = _figures(page)
    # its siting plan was made in the pages: the figures it gives are known and drawn
    for code in ("new_classes", "within_15_min", "inclusive", "integrated"):
        assert figs[f"scorecard.{code}"]["known"] == "yes", (code, figs[f"scorecard.{code}"])
    assert figs["scorecard.within_15_min"]["charts"] == "1"
    assert _drawn(page, "within_15_min")[0] > 300
    assert "页面中生成的方案" in page.inner_text("#plan-plans")
    card = ".plan-figure[data-code='scorecard.inclusive']"
    page.click(f"{card} summary")  # the streets' table, opened as a planner would
    assert page.locator(f"{card} table tbody tr").count() == 13
    assert "社区" in page.inner_text(f"{card} table")
    assert all(urlparse(u).scheme in ("data", "blob") for u in blocked), blocked
