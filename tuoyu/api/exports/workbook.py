"""Workbooks a planner opens in Excel or WPS, where every cell stays data.

A name such as ``=HYPERLINK("http://…")`` or ``+86…`` written by xlsxwriter's defaults
would become a live formula (or a link); every workbook of ours is written with
``strings_to_formulas`` and ``strings_to_urls`` off, so such text is stored as text.
A CSV has no such option: :func:`csv_text` makes such a cell start with an apostrophe,
which Excel and WPS show as text (the OWASP advice for CSV injection).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

#: xlsxwriter options for every workbook we write
SAFE = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def workbook(path: Path) -> xlsxwriter.Workbook:
    """A new xlsxwriter workbook at ``path`` that keeps every string a string."""
    return xlsxwriter.Workbook(str(path), SAFE)


def excel_writer(path: Path) -> Any:
    """A pandas ExcelWriter (xlsxwriter) that keeps every string a string."""
    return pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": SAFE})


#: the first characters that make Excel or WPS read a CSV cell as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def csv_text(value: Any) -> Any:
    """A CSV cell that a spreadsheet opens as the text it is, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def one_line(value: object) -> str:
    """Text for a one-line field of a file format (a calendar's summary, location, …):
    line breaks and other control or direction characters become spaces. The reader
    refuses them in names already; this keeps any file whole whatever reaches it."""
    from tuoyu.models.reader import BAD_TEXT

    return BAD_TEXT.sub(" ", str(value))
