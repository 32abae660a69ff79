"""What hostile names and settings do to the files a planner opens (the hardening issue,
second pass): a calendar stays one event per session whatever a name holds; a CSV cell
is never a live formula; the offline map contacts no host; the Dask dashboard of
``tuoyu city`` listens on the loopback interface only."""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tuoyu.api.exports import siting
from tuoyu.api.exports.city import COLUMNS, write_summary
from tuoyu.api.exports.sessions import ics_bytes
from tuoyu.api.exports.workbook import csv_text
from tuoyu.models.sessions import Session

HOSTILE = "友谊路1号\n(二楼)\r\nEND:VEVENT\u2028\u202e\t\x0b"


def test_a_calendar_stays_whole_whatever_a_name_holds() -> None:
    """Names with line breaks (and an ``END:VEVENT`` after one) make no extra line in
    the .ics: every content line is a property of the calendar we wrote."""
    named = SimpleNamespace(
        centers=[SimpleNamespace(center_id="C1", name=HOSTILE)],
        staff=[SimpleNamespace(staff_id="S1", name=HOSTILE)],
        topics=[SimpleNamespace(topic_id="T1", name=HOSTILE)],
        events=[])
    sessions = [Session(date=dt.date(2027, 3, 2), half=0, center_id="C1", topic_id="T1",
                        staff_ids=("S1",))]
    text = ics_bytes(HOSTILE, sessions, named).decode("utf-8")  # type: ignore[arg-type]
    lines = text.replace("\r\n ", "").split("\r\n")  # unfolded content lines
    assert lines.count("END:VEVENT") == 1 and lines.count("BEGIN:VEVENT") == 1
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\u2028\u202e]", text)
    assert "\n" not in text.replace("\r\n", "")


FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+86 21 1234", "-1+2", "@SUM(A1)",
            "\t=1", "＝1+1"]


@pytest.mark.parametrize("name", FORMULAS)
def test_a_city_summary_cell_is_never_a_formula(name: str, tmp_path: Path) -> None:
    row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
    row.update(district=name, folder=name, planner="roster", status="done", seconds=1.0)
    write_summary([row], tmp_path)
    with (tmp_path / "city_summary.csv").open(encoding="utf-8-sig", newline="") as f:
        cells = [c for r in list(csv.reader(f))[1:] for c in r]
    assert cells and not any(c.startswith(("=", "+", "-", "@", "\t", "＝")) for c in cells)
    assert f"'{name}" in cells  # the text kept, shown as text


def test_csv_text_leaves_plain_values_alone() -> None:
    assert csv_text("宝山区") == "宝山区" and csv_text(-1.5) == -1.5 and csv_text(None) is None


def _page(monkeypatch: pytest.MonkeyPatch) -> str:
    doc = {"title": "宝山区", "communities": [{"name": "http://evil.example/track.png"}],
           "openings": [],
           "streets": {"type": "FeatureCollection", "features": []}}
    monkeypatch.setattr(siting, "map_data", lambda _plan: doc)
    html = siting.map_html(None)  # type: ignore[arg-type]
    # the data block is JSON (names shown as text), not code that fetches anything
    return re.sub(r'<script id="siting-data" type="application/json">.*?</script>', "", html,
                  flags=re.S)


def _hosts_contacted(html: str) -> set[str]:
    """Hosts an opened page may contact: every http(s) address in the page's code (not
    its comments) that is not a link a reader must click (``href="…"``) or the SVG
    namespace (never fetched)."""
    html = re.sub(r"/\*.*?\*/", "", html, flags=re.S)
    hosts = set()
    for m in re.finditer(r"https?://([^/\s\"'<>)\\]+)[^\s\"'<>)\\]*", html):
        before = html[max(0, m.start() - 6):m.start()]
        if before.endswith(('href="', "href='")) or m.group(0).startswith(
                "http://www.w3.org/"):
            continue
        hosts.add(m.group(1))
    return hosts


def test_the_offline_map_contacts_no_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """siting_map.html contacted tile.openstreetmap.org when opened: an intranet browser
    waited on it, and it told a third party who opened the plan."""
    monkeypatch.delenv("TUOYU_MAP_TILES", raising=False)
    html = _page(monkeypatch)
    assert "openstreetmap" not in html
    assert _hosts_contacted(html) == set()


def test_the_map_uses_the_tile_server_a_planner_configures(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUOYU_MAP_TILES", "http://tiles.bs.intranet/{z}/{x}/{y}.png")
    assert _hosts_contacted(_page(monkeypatch)) == {"tiles.bs.intranet"}
    monkeypatch.setenv("TUOYU_MAP_TILES", "javascript:alert(1)//{z}{x}{y}")
    assert _hosts_contacted(_page(monkeypatch)) == set()


def _listening(port: int) -> set[str]:
    """Local addresses (hex, as /proc/net/tcp shows them) listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:  # LISTEN
                found.add(address)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/net")
def test_the_city_dashboard_listens_on_loopback_only() -> None:
    """``tuoyu city`` served the Dask dashboard on every interface (``:0``)."""
    from tuoyu.planning.city import local_client

    with local_client(1, processes=False) as client:
        port = int(client.scheduler_info()["services"]["dashboard"])
        addresses = _listening(port)
    assert addresses and addresses <= {"0100007F", "00000000000000000000000001000000"}, \
        addresses
