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
