"""The month's public notices (``tuoyu.api.exports.notice``, 一公开) from a hand-made
month of the tests' tiny district: the pre-announcement lists the matters, the
directory of institutions and of inspectors and the ratio, but never an inspection's
date or team (双随机 is unannounced); the revealed notice is refused before the month
is over and revealed, then lists every inspection with its team; a name is data in the
HTML, never markup."""

from __future__ import annotations

import datetime as dt

import pytest
from draw_support import tiny_dataset

from tuoyu.api.exports.notice import NotRevealed, notice_html, notice_of
from tuoyu.models.inspection import load_inspection_data
from tuoyu.planning.audit import MonthView

VISITS = ({"date": "2027-03-03", "institution_id": "I01", "street_id": "S1",
           "inspector_ids": ["P1", "P2"], "reason": "drawn"},
          {"date": "2027-03-09", "institution_id": "I02", "street_id": "S2",
           "inspector_ids": ["P3", "P4"], "reason": "follow_up"})
RECORD = {"month": "2027-03", "seed": 5, "result": list(VISITS), "rules": {"draw_share": 0.1},
          "draw": {"drawn": []}, "created_at": "2027-02-25T02:00:00+00:00"}


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    folder = tiny_dataset(tmp_path_factory.mktemp("notice") / "d", institutions=4)
    text = (folder / "institutions.csv").read_text(encoding="utf-8")
    (folder / "institutions.csv").write_text(text.replace("机构01", "<b>机构01</b>"),
                                             encoding="utf-8")
    return load_inspection_data(folder)


def _view(today: dt.date, revealed_at: str | None) -> MonthView:
    return MonthView("2027-03", today, "published", "revealed" if revealed_at else "sealed",
                     RECORD, VISITS, "2027-02-26T01:00:00", "sha256:" + "a" * 64,
                     "2027-02-26T01:00:00", None, revealed_at, (), None,
                     (("I02", "2027-03-09", "rectify"),), ())


def test_the_announcement_names_no_inspections_date_or_team(district) -> None:  # noqa: ANN001
    notice = notice_of(_view(dt.date(2027, 3, 1), None), district)
    assert notice.kind == "announcement"
    cells = " ".join(c for s in notice.sections for row in s.rows for c in row)
    cells += " ".join(s.text for s in notice.sections)
    assert "机构02" in cells and "人员1" in cells  # the directories
    for date in ("2027-03-03", "2027-03-09", "3月3日", "3月9日"):
        assert date not in cells


def test_the_revealed_notice_waits_for_the_month_and_its_reveal(district) -> None:  # noqa: ANN001
    with pytest.raises(NotRevealed):
        notice_of(_view(dt.date(2027, 3, 20), None), district, kind="revealed")
    with pytest.raises(NotRevealed):  # revealed too early is not revealed
        notice_of(_view(dt.date(2027, 3, 31), "2027-03-31T01:00:00"), district,
                  kind="revealed")
    notice = notice_of(_view(dt.date(2027, 4, 2), "2027-04-01T01:00:00"), district)
    assert notice.kind == "revealed"
    rows = notice.sections[0].rows
    assert len(rows) == 2
    text = " ".join(" ".join(r) for r in rows)
    assert "2027-03-03" in text and "人员1" in text and "人员4" in text


def test_a_name_is_data_in_the_html(district) -> None:  # noqa: ANN001
    page = notice_html(notice_of(_view(dt.date(2027, 3, 1), None), district))
    assert "<b>机构01</b>" not in page and "&lt;b&gt;机构01&lt;/b&gt;" in page
    assert page.lstrip().lower().startswith("<!doctype html")


def test_a_public_notice_names_its_district_and_no_other(district, tmp_path) -> None:  # noqa: ANN001
    """A citizen reading a notice sees whose it is: the district in the page's title and
    heading and on every printed sheet of the workbook; a dataset that names no
    district gets no name (never the bundled data's 宝山)."""
    from openpyxl import load_workbook

    from tuoyu.api.exports.notice import write_notice

    for kind, today, revealed_at in (("announcement", dt.date(2027, 3, 1), None),
                                     ("results", dt.date(2027, 3, 20), None),
                                     ("revealed", dt.date(2027, 4, 2), "2027-04-01T01:00:00")):
        notice = notice_of(_view(today, revealed_at), district, kind=kind,
                           district="东滩区\n")
        folder = tmp_path / kind
        folder.mkdir()
        write_notice(notice, folder)
        page = (folder / "notice.html").read_text(encoding="utf-8")
        assert "<title>东滩区 2027-03 托育机构" in page and "<h1>东滩区 2027-03 托育机构" in page
        book = load_workbook(folder / "notice.xlsx")
        for ws in book.worksheets:
            assert str(ws["A1"].value).startswith("东滩区 2027-03 托育机构"), (kind, ws.title)
        unnamed = notice_of(_view(today, revealed_at), district, kind=kind)
        assert unnamed.title.startswith("2027-03 托育机构")
        assert "宝山" not in notice_html(unnamed) + page


def test_the_workbook_says_what_the_page_says_when_nothing_is_recorded(district, tmp_path) -> None:  # noqa: ANN001
    """The results notice of a month with no result recorded yet: its page says so and
    why (results within 20 working days; inspections not yet made are not announced);
    its workbook said only "（无内容）" under a title written twice ("… 公示 · … 公示")."""
    from dataclasses import replace

    from openpyxl import load_workbook

    from tuoyu.api.exports.notice import write_notice

    view = replace(_view(dt.date(2027, 3, 2), None), outcomes=())
    notice = notice_of(view, district, kind="results", district="东滩区")
    write_notice(notice, tmp_path)
    page = (tmp_path / "notice.html").read_text(encoding="utf-8")
    said = [s.text for s in notice.sections if s.text]
    assert said and all(t in page for t in said)
    book = load_workbook(tmp_path / "notice.xlsx")
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
             for c in row if c is not None]
    for text in said:
        assert any(text in c for c in cells), text
    for ws in book.worksheets:
        title = str(ws["A1"].value)
        assert title.count(notice.title) == 1, title
