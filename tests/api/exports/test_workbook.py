"""Names that look like formulas stay text in every workbook we write."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from tuoyu.api.exports.workbook import excel_writer, workbook

EVIL = ['=HYPERLINK("http://evil.example","点我")', "+86 123", "-1+1", "@SUM(A1)",
        "http://evil.example"]


def _cells(path: Path) -> list[object]:
    wb = load_workbook(path)
    return [c.value for row in wb.active.iter_rows() for c in row]


def test_pandas_workbooks_keep_formula_like_names_as_text(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    with excel_writer(path) as xw:
        pd.DataFrame({"名称": EVIL}).to_excel(xw, sheet_name="s", index=False)
    wb = load_workbook(path)
    cells = [c for row in wb.active.iter_rows(min_row=2) for c in row]
    assert [c.value for c in cells] == EVIL and all(c.data_type == "s" for c in cells)


def test_xlsxwriter_workbooks_keep_formula_like_names_as_text(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    wb = workbook(path)
    ws = wb.add_worksheet("s")
    for i, v in enumerate(EVIL):
        ws.write(i, 0, v)
    wb.close()
    book = load_workbook(path)
    cells = [c for row in book.active.iter_rows() for c in row]
    assert [c.value for c in cells] == EVIL and all(c.data_type == "s" for c in cells)


def test_widths_count_a_cjk_character_double() -> None:
    from tuoyu.api.exports.workbook import column_widths, text_width

    assert text_width("宝山区") == 6 and text_width("ab") == 2 and text_width("（1）") == 5
    assert text_width("两行\nabcdef") == 6
    widths = column_widths(["编号", "名称"], [["A1", "友谊路街道社区亲子宝宝苑1号"], ["B22", "x"]])
    assert widths == [6, 29]  # the header at least; the widest cell (13 汉字 + 1) + 2
    assert column_widths(["说明"], [["长" * 100]], cap=40) == [40]  # long text wraps


def test_a_sheet_of_the_book_prints_as_every_sheet_does(tmp_path: Path) -> None:
    from tuoyu.api.exports.workbook import Book, Title

    book = Book(tmp_path / "p.xlsx", Title("宝山区", "月度检查排班", "2027年3月", "草稿"))
    book.table("按日期", ["日期", "机构名称"], [["2027-03-01", EVIL[0]], ["2027-03-02", "幼儿园"]])
    book.blocks("每日单", ["序号", "机构"], [("3月1日", [[1, "甲"]]), ("3月2日", [[1, "乙"]])])
    book.close()
    wb = load_workbook(tmp_path / "p.xlsx")
    ws = wb["按日期"]
    assert ws["A1"].value == "宝山区 月度检查排班 2027年3月 · 按日期（草稿）"
    assert [c.value for c in ws[2]] == ["日期", "机构名称"] and ws["B3"].value == EVIL[0]
    assert ws["B3"].data_type == "s"  # a formula-like name stays text
    assert ws.freeze_panes == "A3" and ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.auto_filter.ref == "A2:B4"
    blocks = wb["每日单"]
    assert [b.id for b in blocks.row_breaks.brk] == [5]  # the second block on a new page
    assert blocks["A2"].value == "3月1日" and blocks["A6"].value == "3月2日"


def test_a_word_decided_later_is_replaced_and_nothing_else(tmp_path: Path) -> None:
    from tuoyu.api.exports.workbook import Book, Title, replace_strings

    book = Book(tmp_path / "s.xlsx", Title("宝山区", "排班", "2027年3月", "草稿"))
    book.table("说明", ["项目", "内容"], [["状态", "草稿 <b>&"]])
    book.close()
    raw = (tmp_path / "s.xlsx").read_bytes()
    (tmp_path / "t.xlsx").write_bytes(replace_strings(raw, [("（草稿）", "（已发布）"),
                                                            ("草稿 <b>&", "已发布 <b>&")]))
    ws = load_workbook(tmp_path / "t.xlsx")["说明"]
    assert ws["A1"].value.endswith("（已发布）") and ws["B3"].value == "已发布 <b>&"
    assert ws.print_title_rows == "$1:$2" and ws.freeze_panes == "A3"


def test_ics_files_are_named_for_people_and_safe() -> None:
    from tuoyu.api.exports.sessions import safe_file_name

    assert safe_file_name("友谊路街道社区亲子宝宝苑1号", "BC001") == "友谊路街道社区亲子宝宝苑1号"
    assert safe_file_name("../a/b:c*?\n", "X") == "_a_b_c__"
    assert safe_file_name(" .. ", "X") == "X" and safe_file_name("a" * 90, "X") == "a" * 60
    assert safe_file_name("CON<>", "X") == "CON__"


def test_codes_of_the_tables_are_said_in_chinese_and_names_stay_as_written() -> None:
    from tuoyu.api.exports.roster import codes

    assert codes("risk", "medium") == "中" and codes("risk", "high", "en") == "high"
    assert codes("skill", "safety;hygiene;fire") == "安全防控、卫生保健、消防"
    assert codes("skill", ("food",)) == "食品安全"
    assert codes("department", "market") == "市场监管部门"
    assert codes("department", "区教育局") == "区教育局"  # a department's own name
    assert codes("institution_kind", "community_point") == "社区托育点"


def test_more_blocks_than_a_sheet_can_break_go_on_to_another_sheet(tmp_path: Path) -> None:
    from tuoyu.api.exports import workbook as wbk

    book = wbk.Book(tmp_path / "b.xlsx", wbk.Title("宝山区", "周程"))
    blocks = [(f"第 {n} 周", [[n, "甲"]]) for n in range(wbk.BLOCKS_PER_SHEET + 5)]
    book.blocks("人员周程", ["序号", "内容"], blocks)
    book.close()
    wb = load_workbook(tmp_path / "b.xlsx")
    assert wb.sheetnames == ["人员周程", "人员周程 (2)"]
    assert len(wb["人员周程"].row_breaks.brk) == wbk.BLOCKS_PER_SHEET - 1
    assert len(wb["人员周程 (2)"].row_breaks.brk) == 4
    assert wb["人员周程 (2)"]["A2"].value == f"第 {wbk.BLOCKS_PER_SHEET} 周"
