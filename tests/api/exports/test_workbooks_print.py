"""Every workbook a planner prints (roster.xlsx, sessions.xlsx, siting.xlsx, notice.xlsx,
scorecard.xlsx),
checked as written (openpyxl: print setup, title with district, period and state,
Chinese labels for every code) and as printed (LibreOffice headless to PDF: every page
shows all the columns of its sheet).

How "every column on one page width" is checked from the PDF: each sheet repeats its
title row (which names the sheet) and its header row on every printed page. A sheet
too wide for the page would print its right-hand columns on extra pages, and such a
page lacks the sheet's first column header (and the title, which sits in column A); a
page that is too narrow for the header shows a cut header. So every page of the PDF
must show some sheet's title together with that sheet's first AND last column header.
This holds however many rows a sheet has, on any paper or scaling LibreOffice picks,
and does not depend on fonts' exact widths. Skipped where LibreOffice or pdftotext is
absent, unless TUOYU_REQUIRE_LIBREOFFICE=1 (CI installs them: .ci/setup-libreoffice.sh).
The conversion is marked ``heavy`` (minutes: the calendar prints a page per staff
member's week); ``.ci/run`` runs it after the README's test command.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tuoyu.api import runner, store
from tuoyu.api.exports.notice import notice_of, write_notice
from tuoyu.api.exports.scorecard import rendered
from tuoyu.api.exports.scorecard import write_xlsx as write_scorecard
from tuoyu.api.exports.sessions import write_workbook
from tuoyu.api.exports.workbook import HEAD_ROWS, Title
from tuoyu.api.scorecard import gather
from tuoyu.models.inspection import load_inspection_data
from tuoyu.models.sessions import Session, load_session_data
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams, SitingParams
from tuoyu.planning.scorecard import scorecard

#: raw codes of the contract's tables that must never show in a printed cell
RAW = re.compile(r"^(low|medium|high|safety|hygiene|fire|food|street|market|True|False|true|"
                 r"false|childcare_center|kindergarten_class|community_point|education|"
                 r"medical|psychology|drawn|coverage|follow_up|high_risk)$")


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four workbooks on the bundled data: a month's roster (published, so its
    workbook is re-stamped), its notice, a calendar of the bundled centers and staff, and
    the siting plan."""
    root = tmp_path_factory.mktemp("books")
    engine = store.engine(f"sqlite:///{root / 'tuoyu.sqlite'}")
    ds = Dataset.bundled()
    roster = runner.make_plan(ds, RosterParams(month="2027-03"), engine=engine)
    runner.deliver(roster, root / "roster", dataset=ds, engine=engine)
    runner.publish(ds, "2027-03", engine)
    assert runner.restamp_roster(root / "roster", ds, engine) == "published"
    (root / "notice").mkdir()
    write_notice(notice_of(runner.month_view(ds, "2027-03", engine),
                           load_inspection_data(ds.folder), "zh", "announcement"),
                 root / "notice")
    siting = runner.make_plan(ds, SitingParams(years="2027-2029", use_network=False))
    runner.deliver(siting, root / "siting", dataset=ds)
    write_workbook(root / "sessions.xlsx", *_calendar(), title=Title(
        district="宝山区", plan="年度指导活动日历", period="2027年"))
    inputs, sources = gather(ds, 2027, engine=engine, plans=root)
    write_scorecard(rendered(scorecard(inputs), "宝山区", sources), root / "scorecard.xlsx")
    return {"roster": root / "roster" / "roster.xlsx", "notice": root / "notice" / "notice.xlsx",
            "siting": root / "siting" / "siting.xlsx", "sessions": root / "sessions.xlsx",
            "scorecard": root / "scorecard.xlsx"}


def _calendar() -> tuple:
    """Six sessions at every center of the bundled data and the district events, on
    working days spread over the year, staffed by two people each (a calendar's shape,
    without solving one: the workbook is what is tested here)."""
    data = load_session_data(Dataset.bundled().folder)
    staff = [s.staff_id for s in data.staff]
    day = dt.date(2027, 1, 4)
    sessions, k = [], 0
    for c in data.centers:
        for n in range(6):
            d = day + dt.timedelta(days=(k * 3 + n * 53) % 340)
            d += dt.timedelta(days=(7 - d.weekday()) % 7 if d.weekday() == 6 else 0)
            sessions.append(Session(date=d, half=n % 2, center_id=c.center_id, topic_id="",
                                    staff_ids=(staff[k % len(staff)],
                                               staff[(k + 7) % len(staff)])))
            k += 1
    for e in data.events:
        sessions.append(Session(date=dt.date(2027, 5, 15), half=0, event_id=e.event_id,
                                staff_ids=tuple(staff[:3])))
    return data, sessions, 2027, [("区", "宝山区")], [("说明", "示例")]


def test_every_sheet_prints_the_same_way(books: dict[str, Path]) -> None:
    for name, path in books.items():
        wb = load_workbook(path)
        for ws in wb.worksheets:
            where = f"{name}:{ws.title}"
            assert ws.page_setup.orientation == "landscape", where
            assert int(ws.page_setup.paperSize) == 9, where  # A4
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) in (
                (1, 0), (None, 0)), where  # one page wide (openpyxl reads 1 as None)
            block = ws.freeze_panes == "A2"  # a sheet of blocks repeats its title row only
            assert ws.freeze_panes in (f"A{HEAD_ROWS + 1}", "A2"), where
            assert ws.print_title_rows == ("$1:$1" if block else f"$1:${HEAD_ROWS}"), where
            widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
            assert len(set(widths.values())) > 1 or ws.max_column == 1, where  # from content


def test_titles_name_district_period_and_state(books: dict[str, Path]) -> None:
    for name, path in books.items():
        wb = load_workbook(path)
        for ws in wb.worksheets:
            title = str(ws["A1"].value)
            assert ws.title in title or name == "notice", (name, ws.title, title)
            if name != "notice":
                assert "宝山区" in title, title
            assert re.search(r"20\d\d年", title) or "2027" in title, title
    roster = load_workbook(books["roster"])
    assert all("（已发布）" in str(ws["A1"].value) for ws in roster.worksheets)
    notes = {r[0]: r[1] for r in roster["说明"].iter_rows(min_row=3, values_only=True)}
    assert str(notes["状态"]).startswith("已发布")
    notice = load_workbook(books["notice"])  # named on every page by the notice's title
    assert len({str(ws["A1"].value).split(" · ")[0] for ws in notice.worksheets}) == 1


def test_codes_are_said_in_chinese(books: dict[str, Path]) -> None:
    for name, path in books.items():
        wb = load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows(min_row=HEAD_ROWS + 1, values_only=True):
                for v in row:
                    assert not isinstance(v, bool), (name, ws.title, row)
                    for part in re.split(r"[;；、,，]", str(v or "")):
                        assert not RAW.match(part.strip()), (name, ws.title, v)
    by_day = load_workbook(books["roster"])["按日期"]
    head = [c.value for c in by_day[HEAD_ROWS]]
    risks = {r[head.index("风险等级")] for r in by_day.iter_rows(min_row=3, values_only=True)}
    assert risks <= {"低", "中", "高"} and risks
    people = load_workbook(books["roster"])["按检查人员"]
    skills = " ".join(str(r[3]) for r in people.iter_rows(min_row=3, values_only=True))
    assert "安全防控" in skills and "卫生保健" in skills


def test_a_team_day_and_a_staff_week_each_print_on_their_own_page(
        books: dict[str, Path]) -> None:
    roster = load_workbook(books["roster"])
    days = roster["检查组每日单"]
    headings = [r[0] for r in days.iter_rows(min_row=2, values_only=True)
                if r[0] and "检查组：" in str(r[0])]
    visits = load_workbook(books["roster"])["按日期"]
    teams = {(r[0], r[7]) for r in visits.iter_rows(min_row=3, values_only=True)}
    assert len(headings) == len(teams)
    assert len(days.row_breaks.brk) == len(headings) - 1
    week = load_workbook(books["sessions"])["人员周程"]
    blocks = [r[0] for r in week.iter_rows(min_row=2, values_only=True)
              if r[0] and " 至 " in str(r[0])]
    assert blocks and len(week.row_breaks.brk) == len(blocks) - 1


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _need_libreoffice() -> None:
    if _soffice() and shutil.which("pdftotext"):
        return
    if os.environ.get("TUOYU_REQUIRE_LIBREOFFICE"):
        pytest.fail("LibreOffice and pdftotext are required (TUOYU_REQUIRE_LIBREOFFICE=1)")
    pytest.skip("LibreOffice (soffice) or pdftotext is not installed")


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True, text=True, timeout=120).stdout
    return [re.sub(r"\s+", "", p) for p in text.split("\f") if p.strip()]


def _sheets(path: Path) -> list[tuple[str, str, str]]:
    """Each sheet's title, first and last column header (of a block sheet, its blocks')."""
    out = []
    for ws in load_workbook(path).worksheets:
        title = re.sub(r"\s+", "", str(ws["A1"].value))
        header_row = next(r for r in ws.iter_rows(min_row=2, max_row=4, values_only=True)
                          if r[-1] is not None and r[0] is not None)
        header = [str(v) for v in header_row if v is not None]
        out.append((title, re.sub(r"\s+", "", header[0]), re.sub(r"\s+", "", header[-1])))
    return out


@pytest.mark.heavy  # LibreOffice prints ~950 pages (a staff member's week a page): minutes
def test_every_column_of_a_sheet_prints_on_one_page_width(
        books: dict[str, Path], tmp_path: Path) -> None:
    _need_libreoffice()
    profile = tmp_path / "lo-profile"
    subprocess.run([_soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path),
                    *[str(p) for p in books.values()]],
                   check=True, capture_output=True, timeout=600)
    for name, path in books.items():
        pdf = tmp_path / (path.stem + ".pdf")
        sheets = _sheets(path)
        pages = _pages(pdf)
        assert len(pages) >= len(sheets), name
        for n, page in enumerate(pages, start=1):
            mine = [s for s in sheets if s[0] in page]
            assert mine, f"{name} page {n}: no sheet title (a column spilled onto its own page?)"
            title, first, last = max(mine, key=lambda s: len(s[0]))
            assert first in page and last in page, (
                f"{name} page {n} ({title}): header cut, '{first}' … '{last}' not both shown")
