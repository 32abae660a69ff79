"""The audit record against the files, the store and the sealed chain
(``tuoyu.planning.audit``), on a hand-made record (no solving): a visit missing from or
added to ``roster.csv`` or ``roster.xlsx`` is named with its date, institution and team;
a file tuoyu cannot compare is listed as not checked, one it cannot read as unreadable;
the store must hold this very record with its visits, each record with the fingerprint
kept beside it; every sealed link must hash to its hash and name the one before."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import openpyxl

from tuoyu.planning.audit import (
    MonthView,
    StoredDraw,
    check_chain,
    check_files,
    check_store,
    rows_differ,
)

ROWS = [
    {"date": "2027-03-02", "institution_id": "I01", "street_id": "S1",
     "inspector_ids": ["P1", "P2"], "reason": "drawn"},
    {"date": "2027-03-03", "institution_id": "I02", "street_id": "S2",
     "inspector_ids": ["P3", "P4"], "reason": "follow_up"},
]
RECORD = {"month": "2027-03", "seed": 7, "created_at": "2027-02-20T10:00:00+00:00",
          "result": ROWS}


def _sha(obj: object) -> str:
    """SHA-256 of canonical JSON, written here as the notice's page computes it."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _csv(path: Path, rows) -> Path:  # noqa: ANN001
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["date", "institution_id", "street_id",
                                          "inspector_ids", "reason"])
        w.writeheader()
        for r in rows:
            w.writerow({**r, "inspector_ids": ";".join(r["inspector_ids"])})
    return path


def _xlsx(path: Path, rows) -> Path:  # noqa: ANN001
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["宝山区 2027年3月 双随机检查名单"])  # a printed workbook's title row
    ws.append(["日期", "机构编号", "机构名称", "人员编号"])
    for r in rows:
        ws.append([r["date"], r["institution_id"], "某机构", "、".join(r["inspector_ids"])])
    wb.save(path)
    return path


def test_files_that_hold_the_record_match(tmp_path: Path) -> None:
    files = [_csv(tmp_path / "roster.csv", ROWS), _xlsx(tmp_path / "roster.xlsx", ROWS),
             tmp_path / "summary.md"]
    (tmp_path / "summary.md").write_text("# 说明\n", encoding="utf-8")
    found, checked, unchecked = check_files(RECORD, files)
    assert found == [] and checked == ["roster.csv", "roster.xlsx"]
    assert unchecked == ["summary.md"]


def test_a_changed_team_in_a_file_is_named_both_ways(tmp_path: Path) -> None:
    changed = [ROWS[0], {**ROWS[1], "inspector_ids": ["P3", "P9"]}]
    for path in (_csv(tmp_path / "roster.csv", changed), _xlsx(tmp_path / "roster.xlsx", changed)):
        found, checked, _ = check_files(RECORD, [path])
        assert checked == [path.name]
        assert [(f.code, f.params["institution_id"], f.params["inspector_ids"]) for f in found] == [
            ("roster.verify.file_differs.missing", "I02", "P3;P4"),
            ("roster.verify.file_differs.extra", "I02", "P3;P9")]
        assert all(f.params["file"] == path.name for f in found)


def test_a_file_that_cannot_be_read_is_said_so(tmp_path: Path) -> None:
    bad = tmp_path / "roster.xlsx"
    bad.write_bytes(b"not a workbook")
    other = _xlsx(tmp_path / "other.xlsx", [])
    wb = openpyxl.load_workbook(other)
    wb.active.delete_rows(1, 2)  # no header row naming the columns
    wb.save(other)
    found, checked, unchecked = check_files(RECORD, [bad, other, tmp_path / "gone.csv"])
    assert [f.code for f in found] == ["roster.verify.file_unreadable"] * 3
    assert checked == [] and unchecked == []


def test_more_than_ten_differences_are_counted() -> None:
    many = [{**ROWS[0], "institution_id": f"X{k}"} for k in range(15)]
    found = rows_differ(ROWS, many, code="c", file="f")
    assert len(found) == 11 and found[-1].code == "roster.verify.more_differ"
    assert found[-1].params["count"] == 17 - 10  # 2 missing + 15 extra


def _draw(seq: int, record, *, visits=ROWS, status: str = "published",  # noqa: ANN001
          fp: str | None = "same") -> StoredDraw:
    return StoredDraw(seq, status, 7, record, _sha(record) if fp == "same" else fp,
                      tuple(visits))


def test_the_store_holds_this_record_with_its_visits() -> None:
    assert check_store(RECORD, [_draw(1, {**RECORD, "seed": 5}), _draw(2, RECORD)]) == []
    found = check_store(RECORD, [_draw(1, RECORD, visits=ROWS[:1])])
    assert [(f.code, f.params["institution_id"]) for f in found] == [
        ("roster.verify.store_visits_differ.missing", "I02")]


def test_a_store_without_the_month_or_with_another_record() -> None:
    assert [f.code for f in check_store(RECORD, [])] == ["roster.verify.not_in_store"]
    other = {**RECORD, "result": ROWS[:1]}
    found = check_store(RECORD, [_draw(1, other)])
    assert found[0].code == "roster.verify.not_this_store"
    assert found[0].params["draws"][0].startswith("#1 seed 7 published sha256:")
    assert found[1].code == "roster.verify.store_differs"  # how the closest one differs


def test_a_stored_record_changed_since_it_was_stored() -> None:
    found = check_store(RECORD, [_draw(1, RECORD, fp="sha256:" + "0" * 64), _draw(2, None)])
    assert [(f.code, f.params["draw"]) for f in found if f.code.endswith("record_changed")] == [
        ("roster.verify.store_record_changed", 1), ("roster.verify.store_record_changed", 2)]


def _chain() -> list[dict[str, object]]:
    links, previous = [], None
    for month, record in (("2027-02", {"month": "2027-02"}), ("2027-03", RECORD)):
        envelope = {"record": record, "previous_sealed": previous}
        text = json.dumps(envelope, ensure_ascii=False)
        previous = _sha(envelope)
        links.append({"month": month, "draw": 1, "hash": previous, "text": text})
    return links


def test_a_whole_chain_holds_the_record() -> None:
    chain = _chain()
    sealed = json.loads(str(chain[-1]["text"]))
    assert check_chain(chain, RECORD, sealed) == []


def test_a_changed_earlier_month_breaks_the_chain() -> None:
    chain = _chain()
    chain[0]["text"] = json.dumps({"record": {"month": "2027-02", "x": 1},
                                   "previous_sealed": None})
    codes = [f.code for f in check_chain(chain, RECORD)]
    assert codes == ["roster.verify.chain_record_changed"]
    relinked = _chain()
    envelope = {"record": RECORD, "previous_sealed": "sha256:" + "1" * 64}
    relinked[1] = {"month": "2027-03", "draw": 1, "hash": _sha(envelope),
                   "text": json.dumps(envelope)}
    found = check_chain(relinked, RECORD)
    assert [f.code for f in found] == ["roster.verify.chain_broken"]
    assert found[0].params["previous_month"] == "2027-02"


def test_a_sealed_record_given_must_be_in_the_chain() -> None:
    found = check_chain(_chain()[:1], RECORD, {"record": RECORD, "previous_sealed": None})
    assert [f.code for f in found] == ["roster.verify.sealed_not_in_chain"]


def _view(month: str, today: dt.date, revealed_at: str | None) -> MonthView:
    return MonthView(month, today, "published", "revealed", RECORD, tuple(ROWS), None, None,
                     None, None, revealed_at, (), None, (), ())


def test_a_month_is_done_from_the_first_of_the_next() -> None:
    assert not _view("2027-02", dt.date(2027, 2, 28), None).done
    assert _view("2027-02", dt.date(2027, 3, 1), None).done
    assert _view("2027-12", dt.date(2028, 1, 1), None).done
    assert not _view("2027-12", dt.date(2027, 12, 31), "2027-12-01").revealed
    assert _view("2027-12", dt.date(2028, 1, 1), "2027-12-01").revealed


def test_a_formula_without_its_value_is_named_not_said_to_differ(tmp_path: Path) -> None:
    """A roster.xlsx a program edited (openpyxl here) keeps a formula without its value: a
    reader of values sees a blank cell, and the workbook would "lack" a visit it holds.
    Verify names the cell, by file, sheet, row and column, as the tables' reader does
    (Chinese first); the same workbook saved with values still verifies clean."""
    from tuoyu.api.text import render

    path = _xlsx(tmp_path / "roster.xlsx", ROWS)
    wb = openpyxl.load_workbook(path)
    wb.active.title = "按日"
    wb.save(path)
    assert check_files(RECORD, [path]) == ([], ["roster.xlsx"], [])
    wb.active.cell(row=4, column=4, value='="P3、"&"P4"')  # the second visit's team
    wb.save(path)
    found, checked, unchecked = check_files(RECORD, [path])
    assert [(f.code, f.params["file"], f.params["row"], f.params["column"]) for f in found] == [
        ("input.formula_without_value", "roster.xlsx, sheet 按日", 4, "人员编号")]
    assert checked == [] and unchecked == []
    zh = render(found[0], "zh")
    assert zh.startswith("roster.xlsx 工作表“按日”，第 4 行，“人员编号”列：单元格中是公式"
                         '（="P3、"&"P4"），但没有计算出的值'), zh
    assert "用 Excel 或 WPS 打开该工作簿并保存，或直接填入数值" in zh
    en = render(found[0], "en")
    assert en.startswith("roster.xlsx, sheet 按日, row 4, column '人员编号': the cell holds a "
                         'formula (="P3、"&"P4") without a computed value'), en


def test_many_formulas_without_values_are_counted(tmp_path: Path) -> None:
    many = [{**ROWS[0], "date": f"2027-03-{d:02d}"} for d in range(1, 16)]
    path = _xlsx(tmp_path / "roster.xlsx", many)
    wb = openpyxl.load_workbook(path)
    for r in range(3, 18):
        wb.active.cell(row=r, column=2, value='="I0"&"1"')  # every institution
    wb.save(path)
    found, _, _ = check_files(RECORD, [path])
    assert [f.code for f in found] == ["input.formula_without_value"] * 10 + [
        "roster.verify.more_formulas"]
    assert [f.params["row"] for f in found[:10]] == list(range(3, 13))
    assert found[-1].params == {"file": "roster.xlsx", "count": 5}
