"""The planner's desk as a planner clicks it (issue 17), with a second, tiny district
(测试区) uploaded beside the bundled one: the dataset selector always names the district
of the plan shown; a map never shows another district's figures; the calendar is a month
grid with filters that works offline; every page speaks Chinese.

Headless Debian Chromium under Playwright against the real service (see conftest.py);
skipped without the browser unless TUOYU_REQUIRE_BROWSER=1."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from web_support import SOLVE_WAIT_MS, api_get

BAOSHAN = "宝山区"


def _selected(page) -> str:
    return page.evaluate(
        "(() => { const s = document.getElementById('dataset');"
        " return s.value + '|' + s.options[s.selectedIndex].text; })()")


def _shows_district(page, district: str, dataset: str) -> None:
    """The selector, the header and the window's title all name ``district``."""
    page.wait_for_function(
        "ds => document.body.dataset.dataset === ds", arg=dataset)
    value, text = _selected(page).split("|", 1)
    assert value == dataset and district in text, (value, text)
    assert district in page.inner_text("header .brand")
    assert district in page.title()


def test_the_selector_names_the_district_of_the_plan_shown(page, server: str, tiny) -> None:
    ds, district = tiny["dataset"], tiny["district"]
    # a link to each page's plan of the tiny district: the selector follows the plan;
    # from there to the next page by the header (roster -> calendar -> map -> roster:
    # each page's header used once, each page reached once, as app.js makes every
    # page's header), still the same district; back to the plan, still the same
    pages = (("/roster", "roster", "#by-day tbody tr"),
             ("/calendar", "sessions", "#month .fc-daygrid-day"),
             ("/map", "siting", "#coverage-table tbody tr"))
    for at, (path, kind, ready) in enumerate(pages):
        page.goto(f"{path}?job={tiny[kind]['id']}")
        page.wait_for_selector(ready, state="attached", timeout=SOLVE_WAIT_MS)
        _shows_district(page, district, ds)
        following = pages[(at + 1) % len(pages)][0]
        page.click(f"#link-{following[1:]}")
        page.wait_for_url(f"**{following}?dataset=*")
        page.wait_for_selector("#dataset option", state="attached")
        _shows_district(page, district, ds)
        page.go_back()
        page.wait_for_selector(ready, state="attached", timeout=SOLVE_WAIT_MS)
        _shows_district(page, district, ds)
    # the index names the plans by kind, period and district, never by a 32-hex id
    page.goto("/")
    link = page.locator(f"#jobs-table a[data-job-id='{tiny['roster']['id']}']")
    link.wait_for()
    text = link.inner_text()
    assert district in text and "2027-03" in text and "检查排班" in text
    assert not re.search(r"[0-9a-f]{32}", page.inner_text("body"))
    link.click()
    page.wait_for_selector("#by-day tbody tr", timeout=SOLVE_WAIT_MS)
    _shows_district(page, district, ds)
    # switching the selector by hand: the header and the title follow it
    page.select_option("#dataset", "baoshan")
    _shows_district(page, BAOSHAN, "baoshan")


def test_a_map_never_shows_another_districts_figures(page, server: str, tiny) -> None:
    ds = tiny["dataset"]
    job = tiny["siting"]
    streets = {s["name"] for s in api_get(f"{server}/api/v1/datasets/{ds}/tables/streets")
               .json()}
    baoshan_streets = {s["name"] for s in api_get(
        f"{server}/api/v1/datasets/baoshan/tables/streets").json()}
    siting_jobs = []
    page.on("request", lambda r: siting_jobs.append(r.post_data_json)
            if r.method == "POST" and r.url.endswith("/api/v1/jobs") else None)
    page.goto(f"/map?job={job['id']}")
    page.wait_for_selector("#coverage-table tbody tr", timeout=SOLVE_WAIT_MS)
    shown = set(page.locator("#coverage-table tbody tr td:first-child").all_inner_texts())
    assert shown == streets
    communities = api_get(f"{server}/api/v1/datasets/{ds}/tables/communities").json()
    assert page.locator("path.community").count() == len(communities)
    # another district chosen: none of the tiny district's figures stays on screen
    page.select_option("#dataset", "baoshan")
    page.wait_for_function("() => !document.getElementById('coverage-table').dataset.jobId")
    page.wait_for_selector("#no-plan:not([hidden]), #coverage-table tbody tr",
                           timeout=SOLVE_WAIT_MS)
    body = page.inner_text("body")
    assert not any(name in body for name in streets), "the tiny district's streets stayed"
    rows = set(page.locator("#coverage-table tbody tr td:first-child").all_inner_texts())
    assert rows <= baoshan_streets
    assert page.locator("#coverage-table tfoot").count() == 0
    # opening the page planned nothing by itself
    assert siting_jobs == []
    # back to the tiny district: planning other years there works at once, for it
    page.select_option("#dataset", ds)
    page.wait_for_selector("#coverage-table tbody tr", timeout=SOLVE_WAIT_MS)
    page.fill("#years", "2027-2028")
    page.click("#plan-btn")
    page.wait_for_function(
        "id => document.getElementById('coverage-table').dataset.jobId"
        " && document.getElementById('coverage-table').dataset.jobId !== id",
        arg=job["id"], timeout=SOLVE_WAIT_MS)
    assert [j["dataset_id"] for j in siting_jobs] == [ds]
    second = api_get(f"{server}/api/v1/jobs/{page.evaluate('tuoyuMap.jobId')}").json()
    assert second["dataset_id"] == ds and second["params"]["years"] == [2027, 2028]
    shown = set(page.locator("#coverage-table tbody tr td:first-child").all_inner_texts())
    assert shown == streets


def test_the_roster_page_shows_the_chosen_districts_month_and_no_other(page, server: str,
                                                                      tiny) -> None:
    """Opened on a district and month, the roster page shows that month's newest roster
    (it said "已抽取（草稿）：核对后发给检查人员" with nothing to check); another district
    chosen, the first district's roster leaves the page (it stayed under the other
    district's header and cycle, its publish button sending it)."""
    ds, job = tiny["dataset"], tiny["roster"]
    names = {i["name"] for i in api_get(f"{server}/api/v1/datasets/{ds}/tables/institutions")
             .json()}
    page.goto(f"/roster?dataset={ds}&month=2027-03")
    page.wait_for_selector("#by-day tbody tr", timeout=SOLVE_WAIT_MS)
    assert page.get_attribute("#job-status", "data-job-id") == job["id"]
    assert any(n in page.inner_text("#by-day") for n in names)
    page.select_option("#dataset", "baoshan")
    _shows_district(page, BAOSHAN, "baoshan")
    page.wait_for_selector("#cycle-state:not(:empty)")
    page.wait_for_function(
        "id => document.getElementById('result').hidden"
        " || document.getElementById('job-status').dataset.jobId !== id", arg=job["id"])
    shown = page.inner_text("body")
    assert not any(n in shown for n in names), "the other district's roster stayed"
    if not page.locator("#result").is_hidden():  # a roster of Baoshan's March, if made
        other = page.get_attribute("#job-status", "data-job-id")
        assert api_get(f"{server}/api/v1/jobs/{other}").json()["dataset_id"] == "baoshan"


def _ids(v: object) -> list[str]:
    if isinstance(v, list):
        return [str(x) for x in v]
    return [x for x in str(v or "").split(";") if x]


def _month_rows(rows: list[dict], month: str) -> list[dict]:
    return [r for r in rows if r["date"].startswith(month)]


def _goto_month(page, month: str) -> None:
    """Page the month grid to ``month`` (YYYY-MM) with its own buttons."""
    shown = "() => document.querySelector('#month .fc-daygrid-day:not(.fc-day-other)').dataset.date"
    for _ in range(24):
        at = page.evaluate(shown)[:7]
        if at == month:
            return
        page.click("#month .fc-next-button" if at < month else "#month .fc-prev-button")
    raise AssertionError(f"the grid never showed {month}")


def test_the_calendar_is_a_month_grid_with_filters_offline(page, server: str, tiny) -> None:
    other = _other_hosts(page, server)
    job = tiny["sessions"]
    rows = api_get(f"{server}/api/v1/jobs/{job['id']}/result").json()["rows"]
    assert rows
    page.goto(f"/calendar?job={job['id']}")
    page.wait_for_selector("#month .fc-daygrid-day", timeout=SOLVE_WAIT_MS)
    assert page.locator("#month .fc-dayGridMonth-view").count() == 1
    # the grid opens on the month of the first session, showing every session of it
    first = min(r["date"] for r in rows)[:7]
    # the sessions in the month's own days (the grid also shows days of the months around)
    events = "#month td.fc-daygrid-day:not(.fc-day-other) .fc-event:not(.fc-bg-event)"
    page.wait_for_function(f"n => document.querySelectorAll('{events}').length === n",
                           arg=len(_month_rows(rows, first)))
    # New Year's Day is marked in the first month shown (the built-in calendar), and the
    # district's own holiday and adjusted working day (calendar.csv) in theirs
    assert first == "2027-01"
    assert page.get_attribute("#month td[data-date='2027-01-01']", "data-mark") == "holiday"
    _goto_month(page, "2027-03")
    assert page.get_attribute("#month td[data-date='2027-03-06']", "data-mark") == "workday"
    assert page.get_attribute("#month td[data-date='2027-03-05']", "data-mark") == "holiday"
    assert "调休上班" in page.inner_text("#month")
    # filter by one staff member: only their sessions remain, in the month shown
    staff = sorted({s for r in rows for s in _ids(r["staff_ids"])})
    who = staff[0]
    mine = [r for r in rows if who in _ids(r["staff_ids"])]
    page.select_option("#staff-filter", who)
    page.wait_for_function("n => document.getElementById('month').dataset.events === String(n)",
                           arg=len(mine))
    month = min(r["date"] for r in mine)[:7]
    _goto_month(page, month)
    page.wait_for_function(f"n => document.querySelectorAll('{events}').length === n",
                           arg=len(_month_rows(mine, month)))
    # a session clicked: its team, topic and why it is there, beside the grid
    page.locator(events).first.click()
    page.wait_for_selector("#session-detail:not([hidden])")
    detail = page.inner_text("#session-detail")
    names = {s["staff_id"]: s["name"] for s in api_get(
        f"{server}/api/v1/datasets/{tiny['dataset']}/tables/guidance_staff").json()}
    assert names[who] in detail and "场" in detail
    # one center's year at a glance
    page.select_option("#staff-filter", "")
    center = next(r["center_id"] for r in rows if r.get("center_id"))
    page.select_option("#center-filter", center)
    page.wait_for_selector("#month .fc-multimonth")
    n = sum(1 for r in rows if r.get("center_id") == center)
    page.wait_for_function("n => document.getElementById('month').dataset.events === String(n)",
                           arg=n)
    assert other == [], f"requests to other hosts: {other}"


#: Latin-letter words a planner may read on a page: proper names and formats of files
#: they download or upload. Everything else on a page is Chinese, but for the ids the
#: district's own tables give (data, like a name).
ALLOWED = {"English", "ICS", "Excel", "JSON", "drand"}
FILES = re.compile(r"[\w.-]*\.(csv|xlsx|json|geojson|html|ics|zip)\b", re.IGNORECASE)


def _data_ids() -> set[str]:
    """Every id in the tiny district's tables (columns named *_id)."""
    import csv
    import io

    from web_tiny import tables

    out = set()
    for name, text in tables().items():
        if name.endswith(".csv"):
            for row in csv.DictReader(io.StringIO(text)):
                out |= {v for k, v in row.items() if k.endswith("_id") and v}
    return out


def _dataset_words(server: str) -> set[str]:
    """The words of the datasets' names on the server (data, like a name: other tests
    upload one named "evil", shown in every page's district selector)."""
    names = [d.get("name") or "" for d in api_get(f"{server}/api/v1/datasets").json()]
    return {w for n in names for w in re.findall(r"[A-Za-z]{2,}", n)}


def _latin_words(page) -> set[str]:
    text = page.evaluate("""() => {
      const bits = [document.title, document.body.innerText];
      document.querySelectorAll('[title], [placeholder], option').forEach(e => {
        bits.push(e.getAttribute('title') || '', e.getAttribute('placeholder') || '',
                  e.tagName === 'OPTION' ? e.textContent : '');
      });
      return bits.join('\\n');
    }""")
    text = FILES.sub(" ", text)
    words = set(re.findall(r"(?<![A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_])", text))
    return words - ALLOWED - _data_ids()


def test_every_page_speaks_chinese(page, server: str, tiny) -> None:
    pages = [("/", "#jobs-table tbody tr"),
             (f"/map?job={tiny['siting']['id']}", "#coverage-table tbody tr"),
             (f"/roster?job={tiny['roster']['id']}", "#by-day tbody tr"),
             (f"/calendar?job={tiny['sessions']['id']}", "#month .fc-daygrid-day"),
             # the home visits' map (测试区 has no families: the map of its streets) and the
             # action plan's targets
             (f"/visits?dataset={tiny['dataset']}", "#map .leaflet-control-zoom"),
             (f"/plan?dataset={tiny['dataset']}", "#plan-figures > *")]
    found = {}
    refused: list[tuple[str, str]] = []  # what a page's Content-Security-Policy kept out
    page.on("console", lambda m: refused.append((page.url, m.text))
            if "Content Security Policy" in m.text else None)
    for path, ready in pages:
        page.goto(path)
        page.wait_for_selector(ready, state="attached", timeout=SOLVE_WAIT_MS)
        page.wait_for_timeout(300)  # the reasons and downloads arrive after the plan
        page.wait_for_function("document.fonts.status === 'loaded'")  # e.g. the calendar's icons
        if path.startswith("/map"):
            page.locator("path.opening").first.click(force=True)
            page.wait_for_selector("#place-panel:not([hidden])")
        words = _latin_words(page) - _dataset_words(server)
        if words:
            found[path] = sorted(words)
    assert not found, f"Latin-letter words on the pages: {found}"
    assert not refused, f"refused by the pages' Content-Security-Policy: {refused}"


def _other_hosts(page, server: str) -> list[str]:
    """Block every request to a host other than the service; returns the list they go to."""
    host = urlparse(server).netloc
    other: list[str] = []

    def guard(route) -> None:
        if urlparse(route.request.url).netloc != host:
            other.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.context.route("**/*", guard)
    page.on("requestfailed", lambda r: other.append(r.url)
            if urlparse(r.url).netloc not in (host, "") and r.url not in other else None)
    return other


def test_the_roster_is_a_month_grid_with_filters_offline(page, server: str, tiny) -> None:
    """The month's inspections as a month grid: every inspection on its day with its team,
    filtered by inspector, street and institution; a click shows the team and why; the
    draws' times in Beijing time; nothing asked of another host."""
    other = _other_hosts(page, server)
    ds, job = tiny["dataset"], tiny["roster"]
    rows = api_get(f"{server}/api/v1/jobs/{job['id']}/result").json()["rows"]
    month = job["params"]["month"]
    assert rows and all(r["date"].startswith(month) for r in rows)
    page.goto(f"/roster?job={job['id']}")
    page.wait_for_selector("#roster-month .fc-dayGridMonth-view", timeout=SOLVE_WAIT_MS)
    events = ("#roster-month td.fc-daygrid-day:not(.fc-day-other)"
              " .fc-event:not(.fc-bg-event)")
    page.wait_for_function(f"n => document.querySelectorAll('{events}').length === n",
                           arg=len(rows))
    first = page.get_attribute(
        "#roster-month td.fc-daygrid-day:not(.fc-day-other)", "data-date")
    assert first == f"{month}-01"
    # each day's cell: its institutions, each with its whole team
    insts = {r["institution_id"]: r["name"] for r in api_get(
        f"{server}/api/v1/datasets/{ds}/tables/institutions").json()}
    people = {r["inspector_id"]: r["name"] for r in api_get(
        f"{server}/api/v1/datasets/{ds}/tables/inspectors").json()}
    for r in rows:
        cell = page.inner_text(f"#roster-month td[data-date='{r['date']}']")
        assert insts[r["institution_id"]] in cell
        assert all(people[i] in cell for i in _ids(r["inspector_ids"])), (r, cell)
    # one inspector's month: only their inspections
    who = sorted({i for r in rows for i in _ids(r["inspector_ids"])})[0]
    mine = [r for r in rows if who in _ids(r["inspector_ids"])]
    page.select_option("#inspector-filter", who)
    page.wait_for_function(f"n => document.querySelectorAll('{events}').length === n",
                           arg=len(mine))
    assert page.get_attribute("#roster-month", "data-events") == str(len(mine))
    # and, with a street too, only theirs in that street
    street = str(mine[0]["street_id"])
    both = [r for r in mine if str(r["street_id"]) == street]
    page.select_option("#street-filter", street)
    page.wait_for_function(f"n => document.querySelectorAll('{events}').length === n",
                           arg=len(both))
    # an inspection clicked: its institution, team and why it is there, beside the grid
    page.locator(events).first.click()
    page.wait_for_selector("#inspection-detail:not([hidden])")
    detail = page.inner_text("#inspection-detail")
    shown = next(r for r in both if insts[r["institution_id"]] in detail)
    assert all(people[i] in detail for i in _ids(shown["inspector_ids"]))
    assert "原因" in detail
    # one institution: its inspections of the month, whoever goes
    page.select_option("#inspector-filter", "")
    page.select_option("#street-filter", "")
    inst = rows[-1]["institution_id"]
    page.select_option("#institution-filter", inst)
    page.wait_for_function(f"n => document.querySelectorAll('{events}').length === n",
                           arg=sum(1 for r in rows if r["institution_id"] == inst))
    # the month's draws: times as the office reads them (Beijing time), no UTC, no ISO "T"
    page.wait_for_selector("#earlier-draws li")
    for line in page.locator("#earlier-draws li").all_inner_texts():
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", line) and "UTC" not in line, line
        assert not re.search(r"\d\dT\d\d:", line), line
    # the header leads to every planner's page, the home visits among them
    assert page.get_attribute("#link-visits", "href") == f"/visits?dataset={ds}"
    assert other == [], f"requests to other hosts: {other}"


def test_the_map_page_asks_no_other_host(page, server: str, tiny) -> None:
    """Without TUOYU_MAP_TILES the map page draws the plan with no basemap and asks no host
    but the service (it probed tile.openstreetmap.org before: an intranet browser waits on
    it, and it tells a third party who opened the plan)."""
    other = _other_hosts(page, server)
    page.goto(f"/map?job={tiny['siting']['id']}")
    page.wait_for_selector("path.opening", state="attached", timeout=SOLVE_WAIT_MS)
    page.wait_for_load_state("networkidle")
    assert page.locator(".leaflet-tile").count() == 0
    assert other == [], f"requests to other hosts: {other}"


def test_a_marked_days_name_never_covers_its_date(page, server: str, tiny) -> None:
    """A holiday's or an adjusted working day's name in the month grid stops short of the
    day's number: on 东滩区's April roster "清明节（预计，以国务院公告为准）" was written over
    "3日", "4日", "5日" (the whole name stays in the cell's hover text)."""
    page.goto(f"/calendar?job={tiny['sessions']['id']}")
    page.wait_for_selector("#month .fc-daygrid-day", timeout=SOLVE_WAIT_MS)
    _goto_month(page, "2027-03")
    for day in ("2027-03-05", "2027-03-06"):  # a one-digit and the longer names
        cell = f"#month td[data-date='{day}']"
        page.wait_for_selector(f"{cell} .fc-bg-event .fc-event-title")
        assert page.get_attribute(cell, "title")  # the whole name on hover
        covers = page.evaluate(
            """sel => { const c = document.querySelector(sel);
               const a = c.querySelector('.fc-bg-event .fc-event-title').getBoundingClientRect();
               const b = c.querySelector('.fc-daygrid-day-number').getBoundingClientRect();
               return !(a.right <= b.left || b.right <= a.left ||
                        a.bottom <= b.top || b.bottom <= a.top); }""", cell)
        assert not covers, day


def test_a_busy_days_list_opens_and_closes_in_chinese(page, server: str, tiny) -> None:
    """A day with more entries than the cell shows ("另外 N 个"): its list opens with a
    close button a planner can see and click, named in Chinese. The button was empty
    (FullCalendar draws it from its icon font, which the pages' policy refuses) and
    named "Close" (东滩区's calendar). Drawn by the calendar page's own month view, with
    six entries on one day."""
    page.goto(f"/calendar?job={tiny['sessions']['id']}")
    page.wait_for_selector("#month .fc-daygrid-day", timeout=SOLVE_WAIT_MS)
    page.evaluate("""() => {
      const host = document.createElement('div'); host.id = 'busy'; host.className = 'month-grid';
      document.body.prepend(host);
      const events = [1, 2, 3, 4, 5, 6].map(i => ({id: 'e' + i, title: '活动' + i,
        start: '2027-03-10T09:00:00', end: '2027-03-10T11:00:00'}));
      TuoyuMonthView.monthView(host, {events: events, initialDate: '2027-03-01',
                                      views: 'dayGridMonth'});
    }""")
    page.click("#busy .fc-daygrid-more-link")
    page.wait_for_selector("#busy .fc-popover")
    close = page.locator("#busy .fc-popover-close")
    box = close.bounding_box()
    assert box and box["width"] >= 8 and box["height"] >= 8, box
    assert close.get_attribute("title") == "关闭"
    more = page.get_attribute("#busy .fc-daygrid-more-link", "aria-label") or ""
    assert not re.search(r"[A-Za-z]{2,}", more), more
    close.click()
    page.wait_for_selector("#busy .fc-popover", state="detached")
