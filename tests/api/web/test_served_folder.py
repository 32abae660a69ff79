"""A planner's own district served as ``tuoyu serve --data DIR`` (the review on 东滩区,
issue 18): the folder was registered as dataset ``baoshan`` and named 宝山区（内置数据）, so
every page's selector said 宝山区 while planning 东滩区, and the month's roster the command
line had made for the bundled Baoshan data showed as the folder's. Now the folder is its
own dataset, named by its district, the one the pages open on; the bundled data stays
beside it, as itself.

A server of its own (started with the tiny district 测试区 as its folder) and the session's
browser; skipped without the browser unless TUOYU_REQUIRE_BROWSER=1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from web_support import calm, start_server, stop_server
from web_tiny import DISTRICT, tables

BAOSHAN = "宝山"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[str]:  # noqa: ANN001
    folder = tmp_path_factory.mktemp("served_folder") / "district"
    folder.mkdir()
    for name, text in tables().items():
        (folder / name).write_text(text, encoding="utf-8")
    home = tmp_path_factory.mktemp("served_home")
    proc, base = start_server(home, data=folder)
    try:
        yield base
    finally:
        stop_server(proc)


@pytest.fixture
def desk(browser, served: str) -> Iterator[object]:  # noqa: ANN001
    ctx = browser.new_context(base_url=served, viewport={"width": 1400, "height": 900})
    pg = calm(ctx.new_page())
    pg.set_default_timeout(120_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield pg
    finally:
        ctx.close()
    assert not errors, f"script errors in the page: {errors}"


def _chosen(page) -> tuple[str, str]:  # noqa: ANN001
    page.wait_for_selector("#dataset option", state="attached")
    page.wait_for_function("() => document.body.dataset.dataset")
    value, text = page.evaluate(
        "(() => { const s = document.getElementById('dataset');"
        " return [s.value, s.options[s.selectedIndex].text]; })()")
    return value, text


def _words_beside_the_selector(page) -> str:  # noqa: ANN001
    """The page's text but the dataset selector's options (the bundled data is listed
    there, as itself)."""
    return page.evaluate(
        "(() => { const b = document.body.cloneNode(true);"
        " b.querySelectorAll('select').forEach(e => e.remove()); return b.textContent; })()")


def test_the_pages_open_on_the_folder_served_and_never_say_baoshan(desk) -> None:  # noqa: ANN001
    page = desk
    for path in ("/", "/roster", "/calendar", "/plan", "/visits"):
        page.goto(path)
        if path == "/":
            page.wait_for_selector("#datasets-table tbody tr")
            rows = page.locator("#datasets-table tbody tr").all_inner_texts()
            assert any(DISTRICT in r and BAOSHAN not in r for r in rows), rows
            continue
        value, text = _chosen(page)
        assert value != "baoshan" and DISTRICT in text and BAOSHAN not in text, (path, text)
        assert DISTRICT in page.inner_text("header .brand") and DISTRICT in page.title()
        assert BAOSHAN not in _words_beside_the_selector(page), path


def test_the_map_of_the_folder_without_a_plan_shows_its_own_ground(desk) -> None:  # noqa: ANN001
    """No siting plan yet: the map is where the district is (测试区 lies near 120.1°E,
    30.3°N), not on Baoshan's extent (121.43°E, 31.40°N, where the map starts)."""
    page = desk
    page.goto("/map")
    value, text = _chosen(page)
    assert value != "baoshan" and DISTRICT in text
    page.wait_for_selector("#no-plan:not([hidden])")
    page.wait_for_function(
        "() => { const c = window.tuoyuMap.map.getCenter();"
        " return Math.abs(c.lat - 30.30) < 0.05 && Math.abs(c.lng - 120.115) < 0.05; }",
        timeout=60_000)
    assert BAOSHAN not in _words_beside_the_selector(page)


def test_the_bundled_data_stays_itself_beside_the_folder(served: str) -> None:
    import httpx

    listed = {d["id"]: d for d in httpx.get(f"{served}/api/v1/datasets", timeout=30).json()}
    mine = [d for d in listed.values() if d["default"]]
    assert len(mine) == 1 and mine[0]["id"].startswith("folder-")
    assert mine[0]["district"] == DISTRICT and BAOSHAN not in mine[0]["name"]
    assert Path(mine[0]["id"]).name == mine[0]["id"]  # an id, not a path
    assert listed["baoshan"]["district"] == "宝山区" and not listed["baoshan"]["default"]
