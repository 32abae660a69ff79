"""The /visits page in a real headless Chromium, as a planner clicks it: plan a week, the
routes drawn on the offline map (a line per person and day), the visits by day and
person, coverage by street, filters, Chinese first and English on the switch."""

from __future__ import annotations

import csv
import io

import httpx
from web_support import SOLVE_WAIT_MS


def test_visits_page_plans_and_draws_routes(page, server: str) -> None:
    page.goto("/visits")
    page.wait_for_selector("#dataset option[value=baoshan]", state="attached")
    assert page.inner_text("main h2[data-v=coverage]") == "各街镇覆盖情况"
    page.fill("#iterations", "200")
    page.click("#plan-btn")
    page.wait_for_selector("#visits-table tbody tr, #error:not([hidden])",
                           timeout=SOLVE_WAIT_MS)
    assert page.locator("#error").is_hidden(), page.inner_text("#error")
    job_id = page.evaluate("window.tuoyuVisits.jobId")
    text = httpx.get(f"{server}/api/v1/jobs/{job_id}/files/visits.csv").content.decode(
        "utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    routes = httpx.get(f"{server}/api/v1/jobs/{job_id}/files/visits_routes.geojson").json()
    assert page.locator("#visits-table tbody tr").count() == len(rows) > 0
    assert page.evaluate("window.tuoyuVisits.lines") == len(routes["features"]) > 0
    assert page.locator("#map path.leaflet-interactive").count() == len(routes["features"])
    assert page.locator("#coverage-table tbody tr").count() == 13
    # the plan's reasons with its numbers: status, the due families' target, the findings
    page.wait_for_selector("#reasons:not([hidden]) ul.targets li")
    reasons = page.inner_text("#reasons")
    assert "本周到期家庭全部上门" in reasons and "方案依据" in reasons
    # each target in the server's own words (the line every face writes: a share in %,
    # a band where the target has one)
    figures = httpx.get(f"{server}/api/v1/jobs/{job_id}/result").json()["figures"]
    shown = page.locator("#reasons ul.targets li").all_inner_texts()
    assert shown == [f"{x['label']}：{x['line']}" for x in figures["targets"]]
    # which line is whose: a legend entry per person or team, a colour of its own each, the
    # same on every day (the paths of one team share it)
    teams = sorted({f["properties"]["staff_ids"] for f in routes["features"]})
    assert page.evaluate("window.tuoyuVisits.legend") == len(teams)
    assert page.locator("#route-legend li").count() == len(teams)
    looks = page.evaluate("""() => Array.from(
        document.querySelectorAll('#map path.leaflet-interactive')).map(
        p => p.getAttribute('stroke'))""")
    assert len(set(looks)) == len(teams)
    first = teams[0]
    days = sum(1 for f in routes["features"] if f["properties"]["staff_ids"] == first)
    visits = sum(int(f["properties"]["visits"]) for f in routes["features"]
                 if f["properties"]["staff_ids"] == first)
    assert f"{days} 条路线，上门 {visits} 户" in page.inner_text("#route-legend li >> nth=0")
    # the district's streets under the routes, not clickable (the lines stay the only paths)
    page.wait_for_function("document.querySelectorAll('#map path:not(.leaflet-interactive)')"
                           ".length >= 13")
    # one person's week: only their visits and their lines
    person = rows[0]["staff_ids"].split(";")[0]
    page.select_option("#staff-filter", person)
    mine = [r for r in rows if person in r["staff_ids"].split(";")]
    assert page.locator("#visits-table tbody tr").count() == len(mine)
    lines = [f for f in routes["features"]
             if person in f["properties"]["staff_ids"].split(";")]
    assert page.evaluate("window.tuoyuVisits.lines") == len(lines)
    assert page.evaluate("window.tuoyuVisits.legend") == len(
        {f["properties"]["staff_ids"] for f in lines})
    # a line across the map: each far visit says why not a nearer team, with the plan's
    # own numbers (its finding), and only those rows and their routes when asked
    page.select_option("#staff-filter", "")
    result = httpx.get(f"{server}/api/v1/jobs/{job_id}/result").json()
    why = {(f["params"]["family_id"], f["params"]["date"]): f["message"]
           for f in result["findings"]
           if f["code"].startswith("visits.far.") and "family_id" in f["params"]}
    far = [r for r in rows if r["far_reason"]]
    assert far and {(r["family_id"], r["date"]) for r in far} == set(why)
    assert all(int(r["base_minutes"]) >= 30 for r in far)
    assert all(int(r["base_minutes"]) < 30 for r in rows if not r["far_reason"])
    page.check("#far-only")
    shown = page.locator("#visits-table tbody tr")
    assert shown.count() == len(far)
    first = shown.nth(0).locator("td")
    family, date = first.nth(5).inner_text(), first.nth(0).inner_text()
    assert first.nth(9).inner_text() == why[(family, date)]
    assert "分钟" in why[(family, date)] and family in why[(family, date)]
    assert page.evaluate("window.tuoyuVisits.lines") == len(
        {(r["staff_ids"], r["date"]) for r in far})
    # the plan's reasons count them; each one is on its row, not repeated above the map
    summary = page.locator("#reasons li[data-code='visits.far.summary']")
    assert summary.is_visible() and f"有 {len(far)} 次离上门小组的驻点" in summary.inner_text()
    each = page.locator("#reasons li[data-code^='visits.far.']"
                        ":not([data-code='visits.far.summary'])")
    assert each.count() == len(far) and not any(x.is_visible() for x in each.all())
    page.click("#lang-switch")
    assert page.inner_text("main h2[data-v=coverage]") == "Coverage by street"
    page.wait_for_function("document.querySelector('#visits-table tbody tr td:nth-child(10)')"
                           ".textContent.indexOf('min from their base') >= 0")


def test_staff_names_are_never_run_as_script(page, server: str, tmp_path) -> None:
    """A person's name holding HTML is shown as text in the legend, the tooltips and the
    tables of the visits page (names are data)."""
    from pathlib import Path

    from visits_check import tiny_dataset
    from web_tiny import zipped

    evil = '<img src=x onerror="window.__xss=1">'
    folder: Path = tiny_dataset(
        tmp_path / "d", staff=[{"staff_id": "ED1", "discipline": "education"}],
        families=[{"family_id": f"F{i}", "birth_date": "2027-01-20",
                   "registered_on": "2027-02-05", "needs": "education",
                   "half_days": "Mon AM;Tue AM"} for i in range(3)])
    files = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()}
    files["guidance_staff.csv"] = files["guidance_staff.csv"].replace("人员0", evil.replace(
        '"', '""').join('""'))
    r = httpx.post(f"{server}/api/v1/datasets", files={"file": ("evil.zip", zipped(files))},
                   timeout=120)
    assert r.status_code == 201, r.text
    ds = r.json()["id"]
    page.goto("/visits")
    page.wait_for_selector(f"#dataset option[value='{ds}']", state="attached")
    page.select_option("#dataset", ds)
    page.fill("#iterations", "50")
    page.click("#plan-btn")
    page.wait_for_selector("#route-legend li, #error:not([hidden])", timeout=SOLVE_WAIT_MS)
    assert page.locator("#error").is_hidden(), page.inner_text("#error")
    for line in page.locator("#map path.leaflet-interactive").all()[:2]:
        line.hover(force=True)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#route-legend img, .leaflet-tooltip img, table img").count() == 0
    assert evil in page.inner_text("#route-legend")
