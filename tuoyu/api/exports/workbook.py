"""Workbooks a planner opens in Excel or WPS, where every cell stays data.

A name such as ``=HYPERLINK("http://…")`` or ``+86…`` written by xlsxwriter's defaults
would become a live formula (or a link); every workbook of ours is written with
``strings_to_formulas`` and ``strings_to_urls`` off, so such text is stored as text.
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
