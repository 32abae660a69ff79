"""The /roster page walks a planner through the month's cycle in Chinese, the state
always shown (issue 19): commit (a lottery draw after today) -> give the lottery's
numbers -> the official draw -> give it to the inspectors (sealed: the public
announcement names no inspection's date) -> reveal once the month is over (the revealed
notice names them). The service runs with TUOYU_TODAY after the month, so that the
lottery has been drawn and the month is over."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from api_support import zip_bytes
from draw_support import tiny_dataset
from web_support import SOLVE_WAIT_MS, require_browser, start_server, stop_server

MONTH = "2027-05"


@pytest.fixture(scope="module")
def cycle_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_browser()
    home = tmp_path_factory.mktemp("tuoyu_cycle_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_TODAY", "2027-06-02")
        proc, base = start_server(home)
    try:
        yield base
    finally:
        stop_server(proc)


def _steps(page) -> dict[str, str]:
    """Each step of the month's list and its state (done, current, todo)."""
    return {li.get_attribute("data-step"): li.get_attribute("class")
            for li in page.locator("#cycle-steps li").all()}


def test_the_roster_page_walks_the_cycle(cycle_server: str, browser, tmp_path) -> None:
    # its own server (today is 2027-06-02 there), the session's browser
    server = cycle_server

    data = zip_bytes(tiny_dataset(tmp_path / "tiny"), prefix="tiny/")  # a fast month
    made = httpx.post(f"{server}/api/v1/datasets", files={"file": ("tiny.zip", data,
                                                                   "application/zip")},
                      data={"name": "tiny"}, timeout=120)
    assert made.status_code in (200, 201), made.text
    ds = made.json()["id"]

    ctx = browser.new_context(base_url=server, viewport={"width": 1400, "height": 900})
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"/roster?month={MONTH}")
        page.wait_for_selector(f"#dataset option[value='{ds}']", state="attached")
        page.select_option("#dataset", ds)
        page.wait_for_selector("#cycle-state[data-step=none]")
        assert "先承诺" in page.inner_text("#cycle-state")
        assert _steps(page) == {"commit": "current", "seed": "todo", "draw": "todo",
                                "publish": "todo", "results": "todo", "reveal": "todo"}
        assert page.inner_text("#cycle-steps li[data-step=commit]") == "承诺：下一步"
        page.select_option("#commit-source", "lottery")
        lottery_day = dt.date.today() + dt.timedelta(days=2)
        page.fill("#lottery-date", lottery_day.isoformat())
        page.click("#commit-btn")
        page.wait_for_selector("#cycle-state[data-step=committed]")
        assert "sha256:" in page.inner_text("#commitments")
        page.click("#commit-btn")  # again, without a reason: refused, both would stay
        page.wait_for_selector("#error:not([hidden])")
        assert "理由" in page.inner_text("#error")
        page.fill("#lottery-numbers", "03 09 14 22 27 31 06")
        page.click("#seed-btn")
        page.wait_for_selector("#cycle-state[data-step=seeded]")
        page.fill("#seed", "")
        page.click("#roster-btn")
        page.wait_for_selector("#by-day tbody tr, #error:not([hidden])",
                               timeout=SOLVE_WAIT_MS)
        page.wait_for_selector("#cycle-state[data-step=drawn]")
        job = page.get_attribute("#job-status", "data-job-id")
        rows = httpx.get(f"{server}/api/v1/jobs/{job}/result", timeout=60).json()["rows"]
        page.click("#publish-btn")
        page.wait_for_selector("#cycle-state[data-step=sealed]")
        assert "封存值" in page.inner_text("#cycle-state")
        # the list shows where the month is, in words and colour, each step by its fact
        assert _steps(page) == {"commit": "done", "seed": "done", "draw": "done",
                                "publish": "done", "results": "current", "reveal": "todo"}
        assert page.inner_text("#cycle-steps li[data-step=draw]") == "抽取：已完成"
        notice = httpx.get(f"{server}/api/v1/datasets/{ds}/rosters/{MONTH}/notice", timeout=60)
        assert notice.status_code == 200 and "sha256:" in notice.text
        assert not [r for r in rows if r["date"] in notice.text]
        page.click("#reveal-btn")
        page.wait_for_selector("#cycle-state[data-step=revealed]")
        shown = httpx.get(f"{server}/api/v1/datasets/{ds}/rosters/{MONTH}/notice",
                          timeout=60)
        assert all(r["date"] in shown.text for r in rows)
        assert 'id="sealed-record"' in shown.text
        # served by the service too, the revealed notice runs its own check (its
        # script allowed by hash in its Content-Security-Policy, nothing else)
        assert "sha256-" in shown.headers["content-security-policy"]
        page.goto(f"/api/v1/datasets/{ds}/rosters/{MONTH}/notice")
        page.wait_for_selector("#check[data-ok]", timeout=20_000)
        assert page.get_attribute("#check", "data-ok") == "true", page.inner_text("#check")
        assert not errors, errors
    finally:
        ctx.close()
