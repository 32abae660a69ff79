"""The home visits' files (``tuoyu.api.exports.visits``) from a week planned on a tiny
hand-made district: visits.csv holds the plan's rows and reads back for a re-plan; one
calendar per person with an event per visit at the right Beijing time; a route line per
team and day from the base through the committees and back; the families' own
coordinates in no file (个人信息保护法: only the committee's centre); ids made safe as
file names."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from icalendar import Calendar
from ics_check import timezones_defined
from visits_check import tiny_dataset

from tuoyu.api.exports.visits import _safe, read_visits_csv, write_plan
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import VisitParams
from tuoyu.planning.visits import run

WEEK = dt.date(2027, 3, 1)
HOME = ("121.4712345", "31.4012345")  # a family's own place: must appear in no file


def fam(fid: str, half_days: str, **kw: object) -> dict[str, object]:
    return {"family_id": fid, "birth_date": "2027-01-20", "registered_on": "2027-02-05",
            "needs": "education", "half_days": half_days, **kw}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    tmp = tmp_path_factory.mktemp("visit_files")
    staff = [{"staff_id": "ED1", "discipline": "education"},
             {"staff_id": "ED/2", "discipline": "education"}]
    families = [fam("F1", "Mon AM", lon=HOME[0], lat=HOME[1]), fam("F2", "Mon AM"),
                fam("F3", "Tue PM")]
    folder = tiny_dataset(tmp / "d", staff=staff, families=families)
    plan = run(Dataset.at(folder), VisitParams(week=WEEK, iterations=200))
    out = tmp / "out"
    out.mkdir()
    write_plan(plan, out)
    return plan, out


def test_the_csv_holds_the_plans_rows_and_reads_back(written) -> None:  # noqa: ANN001
    plan, out = written
    rows = read_visits_csv(out / "visits.csv")
    assert (out / "visits.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert [(r["family_id"], r["date"], r["staff_ids"]) for r in rows] == [
        (r["family_id"], str(r["date"]), r["staff_ids"]) for r in plan.rows]
    assert {r["family_id"] for r in rows} == {"F1", "F2", "F3"}


def test_a_calendar_per_person_an_event_per_visit(written) -> None:  # noqa: ANN001
    plan, out = written
    files = sorted(p.name for p in (out / "visits_ics").iterdir())
    people = sorted({x for r in plan.rows for x in r["staff_ids"].split(";")})
    names = {s.staff_id: s.name for s in plan.detail.data.staff}
    # Chinese first, as the sessions' calendars: 人员-<name>.ics
    assert files == sorted(f"人员-{names[x]}.ics" for x in people)
    assert all(p.is_file() for p in (out / "visits_ics").iterdir())  # a '/' in an id: no folder
    for x in people:
        cal = Calendar.from_ical((out / "visits_ics" / f"人员-{names[x]}.ics").read_bytes())
        events = [c for c in cal.walk("VEVENT")]
        mine = [r for r in plan.rows if x in r["staff_ids"].split(";")]
        assert len(events) == len(mine)
        starts = sorted(e.decoded("dtstart") for e in events)
        assert starts == sorted(
            dt.datetime.combine(dt.date.fromisoformat(str(r["date"])),
                                dt.time.fromisoformat(r["start"]),
                                starts[0].tzinfo) for r in mine)
        assert all(s.utcoffset() == dt.timedelta(hours=8) for s in starts)
        used, defined, offsets = timezones_defined(
            (out / "visits_ics" / f"人员-{names[x]}.ics").read_bytes())
        assert used == {"Asia/Shanghai"} and used <= defined and offsets == {"+0800"}


def test_another_districts_calendar_never_shares_an_entry(written) -> None:  # noqa: ANN001
    """The same week planned for another district: no entry of its calendars has a UID
    of this district's (imported into one calendar program, one would replace the
    other's visits); written again, this district's UIDs are the same (a re-import
    updates)."""
    from dataclasses import replace

    from tuoyu.api.exports.visits import ics_bytes

    plan, _out = written

    def uids(district: str) -> list[str]:
        cal = Calendar.from_ical(ics_bytes("日历", list(plan.rows), plan.detail, district))
        return [str(e["uid"]) for e in cal.walk("VEVENT")]

    here, there = uids("宝山区"), uids("嘉定区")
    assert here and len(set(here)) == len(here)
    assert not set(here) & set(there)
    assert uids("宝山区") == here
    tmp = _out.parent / "again"
    tmp.mkdir()
    write_plan(replace(plan, district="嘉定区"), tmp)
    files = sorted((tmp / "visits_ics").iterdir())
    written_uids = {str(e["uid"]) for f in files
                    for e in Calendar.from_ical(f.read_bytes()).walk("VEVENT")}
    assert written_uids == set(there)  # write_plan uses the plan's district


def test_a_route_line_per_team_and_day(written) -> None:  # noqa: ANN001
    plan, out = written
    doc = json.loads((out / "visits_routes.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    teams_days = {(r["staff_ids"], str(r["date"])) for r in plan.rows}
    assert {(f["properties"]["staff_ids"], f["properties"]["date"])
            for f in doc["features"]} == teams_days
    for f in doc["features"]:
        coords = f["geometry"]["coordinates"]
        assert coords[0] == coords[-1]  # from the base and back
        assert len(coords) == f["properties"]["visits"] + 2


def test_no_familys_own_place_in_any_file(written) -> None:  # noqa: ANN001
    _plan, out = written
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for text in (HOME[0], HOME[1], HOME[0][:8], HOME[1][:7]):
                assert text.encode() not in data, (path.name, text)


def test_ids_are_safe_file_names() -> None:
    assert _safe("ED/../x y") == "ED_.._x_y" and _safe("") == "_"
    assert len(_safe("a" * 200)) == 64 and "/" not in _safe("/etc/passwd")


def test_the_share_within_the_window_reads_as_a_percentage(written) -> None:  # noqa: ANN001
    """The summary and the workbook's 说明 say the share of asking families visited
    within their window as a planner reads a share (e.g. 100%), counted here from
    coverage.csv."""
    import csv

    from openpyxl import load_workbook

    plan, out = written
    with (out / "coverage.csv").open(encoding="utf-8-sig", newline="") as f:
        cov = list(csv.DictReader(f))
    due = sum(int(r["due"]) for r in cov)
    planned = sum(int(r["due_planned"]) for r in cov)
    assert due > 0
    expected = f"{100 * planned / due:.1f}".rstrip("0").rstrip(".") + "%"
    summary = (out / "visits_summary.txt").read_text(encoding="utf-8")
    assert f"有需求家庭在期限内上门的比例：目标 100%，达成 {expected}（" in summary
    notes = load_workbook(out / "visits.xlsx")["说明"]
    row = next(r for r in notes.iter_rows() if r[0].value == "有需求家庭在期限内上门的比例")
    # numbers Excel can add up, shown as percentages
    assert row[1].value == 1.0 and row[2].value == pytest.approx(planned / due)
    assert row[1].number_format == row[2].number_format == "0.0%"


def test_the_workbook_says_whose_week_it_is_on_every_printed_page(written, tmp_path) -> None:  # noqa: ANN001
    """Every sheet of visits.xlsx prints as the other plans' workbooks do: a title row
    naming the district, the plan and the week, repeated on every printed page, the
    header frozen; 说明 says the district; nothing says 宝山 for another district."""
    from dataclasses import replace

    from openpyxl import load_workbook

    plan, _out = written
    write_plan(replace(plan, district="东滩区"), tmp_path)
    wb = load_workbook(tmp_path / "visits.xlsx")
    assert {"按日期", "按人员", "覆盖情况", "说明"} <= set(wb.sheetnames)
    for ws in wb.worksheets:
        assert str(ws["A1"].value).startswith("东滩区 新生儿家庭上门指导 2027-03-01 至 2027-03-07"), \
            ws.title
        assert ws.print_title_rows and ws.freeze_panes, ws.title
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        text = " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
        assert "宝山" not in text
    by_day = wb["按日期"]
    assert [c.value for c in by_day[2]][:3] == ["日期", "星期", "时段"]
    assert by_day.max_row == len(plan.rows) + 2  # the title, the header, a row a visit
    notes = {r[0]: r[1] for r in wb["说明"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert notes["区"] == "东滩区"


def test_calendar_file_names_are_the_peoples_names_made_safe() -> None:
    from tuoyu.api.exports.visits import ics_file_names

    got = ics_file_names({"E1": "王芳", "E2": "王芳", "E3": "../李/四", "E4": ""},
                         ["E1", "E2", "E3", "E4", "E5"])
    assert got == {"E1": "人员-王芳-E1.ics", "E2": "人员-王芳-E2.ics",
                   "E3": "人员-_李_四.ics", "E4": "人员-E4.ics", "E5": "人员-E5.ics"}


def test_day_sheet_names_are_the_peoples_names_as_excel_allows() -> None:
    from tuoyu.api.exports.visits import day_sheet_names

    got = day_sheet_names({"E1": "王芳", "E2": "王芳", "E3": "a[b]:c*d?e/f\\g'h", "E4": "",
                           "E5": "很长的名字" * 10, "x:1": "", "x/1": ""},
                          ["E1", "E2", "E3", "E4", "E5", "E6", "x:1", "x/1"])
    assert got["E1"] == "日程-王芳-E1" and got["E2"] == "日程-王芳-E2"
    assert got["E3"] == "日程-a_b_c_d_e_f_g_h" and got["E4"] == "日程-E4"
    assert got["E5"].startswith("日程-很长的名字") and len(got["E5"]) == 31
    assert len({v.casefold() for v in got.values()}) == len(got)  # ids alike once cleaned
    assert all(len(v) <= 31 and not set(v) & set("[]:*?/\\'") for v in got.values())


def test_a_name_in_a_csv_opens_as_text_never_a_formula(tmp_path) -> None:  # noqa: ANN001
    """A street named ``=HYPERLINK(…)`` (names may start so; the reader refuses it only in
    ids) reached coverage.csv as written, and a spreadsheet opening the file ran it as a
    formula. Every text cell of the home visits' CSVs is written as the text it is."""
    import csv

    from tuoyu.api.exports.visits import _write_csv

    evil = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "@SUM(1)",
            "-2+3", "＝1"]
    _write_csv(tmp_path / "c.csv", ("street_id", "name", "registered"),
               [{"street_id": f"S{i}", "name": n, "registered": 3} for i, n in enumerate(evil)])
    with (tmp_path / "c.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["name"] for r in rows] == ["'" + n for n in evil]
    assert [r["registered"] for r in rows] == ["3"] * len(evil)
