"""Workbooks a planner opens in Excel or WPS and prints: the one print setup of every
sheet we write, and cells that stay data.

A name such as ``=HYPERLINK("http://…")`` or ``+86…`` written by xlsxwriter's defaults
would become a live formula (or a link); every workbook of ours is written with
``strings_to_formulas`` and ``strings_to_urls`` off, so such text is stored as text.
A CSV has no such option: :func:`csv_text` makes such a cell start with an apostrophe,
which Excel and WPS show as text (the OWASP advice for CSV injection).

Every sheet written through :class:`Book` prints the same way: a title row (district,
plan, period, state: 草稿 or 已发布) and a header row, both frozen on screen and
repeated at the top of every printed page; column widths from the content (a CJK
character counts double); long text wrapped in a capped column; A4 landscape, fitted
to one page width (as many pages high as needed); page numbers in the footer.
A "block" sheet (:meth:`Book.blocks`) prints one block per page: an inspector team's
day, a staff member's week.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

#: xlsxwriter options for every workbook we write
SAFE = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

#: widths in character units (one CJK character counts 2)
MIN_WIDTH, MAX_WIDTH = 6, 46
A4 = 9  # xlsxwriter's paper code for A4
FOOTER = "&C第 &P 页，共 &N 页"
#: the rows of a table sheet above its data: the title, the header
HEAD_ROWS = 2
#: blocks (printed pages) on one sheet: Excel keeps at most 1,023 page breaks a sheet
BLOCKS_PER_SHEET = 1000


def workbook(path: Path) -> xlsxwriter.Workbook:
    """A new xlsxwriter workbook at ``path`` that keeps every string a string."""
    return xlsxwriter.Workbook(str(path), SAFE)


def excel_writer(path: Path) -> Any:
    """A pandas ExcelWriter (xlsxwriter) that keeps every string a string."""
    return pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": SAFE})


def text_width(value: Any) -> int:
    """How wide ``value`` shows in a cell, in character units: East Asian wide and
    full-width characters (汉字, full-width punctuation) count 2, others 1; the widest
    line of a text with line breaks."""
    text = cell_text(value)
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.split("\n")), default=0)


def cell_text(value: Any) -> str:
    """What a cell shows, as text (for widths): numbers as Excel shows them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def column_widths(header: Sequence[str], rows: Sequence[Sequence[Any]],
                  cap: int = MAX_WIDTH) -> list[int]:
    """Width of each column from its header and cells (+2 for padding), at least
    :data:`MIN_WIDTH`; a cell wider than ``cap`` wraps (the header never does)."""
    out = []
    for j, head in enumerate(header):
        widest = max((text_width(r[j]) for r in rows if j < len(r)), default=0)
        out.append(max(MIN_WIDTH, text_width(head) + 2, min(cap, widest + 2)))
    return out


@dataclass(frozen=True)
class Title:
    """What a printed page says at its top: the district, the plan, the period and its
    state (草稿, 已发布, …). Empty parts are left out."""

    district: str = ""
    plan: str = ""
    period: str = ""
    state: str = ""

    def line(self, sheet: str = "") -> str:
        parts = [p for p in (self.district, self.plan, self.period) if p]
        text = " ".join(parts)
        if sheet:
            text += f" · {sheet}" if text else sheet
        if self.state:
            text += f"（{self.state}）"
        return text


class Book:
    """A workbook of printable sheets (see the module's docstring); close it when done."""

    def __init__(self, path: Path, title: Title):
        self.title = title
        self.wb = workbook(path)
        self.fmt_title = self.wb.add_format({"bold": True, "font_size": 13})
        self.fmt_head = self.wb.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "vcenter"})
        self.fmt_cell = self.wb.add_format({"border": 1, "valign": "top"})
        self.fmt_wrap = self.wb.add_format({"border": 1, "valign": "top", "text_wrap": True})
        self.fmt_block = self.wb.add_format({"bold": True, "font_size": 12})
        self._extra: dict[tuple[tuple[str, Any], ...], Any] = {}

    def format(self, **props: Any) -> Any:
        """A cell format with a border and ``props`` (e.g. ``num_format="0.0%"``,
        ``bg_color``), made once per distinct set of properties."""
        key = tuple(sorted(props.items()))
        if key not in self._extra:
            self._extra[key] = self.wb.add_format({"border": 1, "valign": "top", **props})
        return self._extra[key]

    def _print_setup(self, ws: Any, repeat_to: int) -> None:
        ws.set_landscape()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)  # one page wide, as many pages high as needed
        ws.repeat_rows(0, repeat_to)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        ws.set_footer(FOOTER)
        ws.hide_gridlines(0)

    def _write(self, ws: Any, row: int, values: Sequence[Any], widths: Sequence[int],
               formats: Mapping[int, Any] | None = None) -> None:
        for j, v in enumerate(values):
            fmt = (formats or {}).get(j)
            if fmt is None:
                fmt = self.fmt_wrap if text_width(v) > widths[j] - 2 else self.fmt_cell
            if v is None or v == "":
                ws.write_blank(row, j, None, fmt)
            elif isinstance(v, bool):
                ws.write_string(row, j, "是" if v else "否", fmt)
            elif isinstance(v, int | float):
                ws.write_number(row, j, v, fmt)
            elif isinstance(v, dt.date):
                ws.write_string(row, j, v.isoformat(), fmt)
            else:
                ws.write_string(row, j, str(v), fmt)

    def table(self, name: str, header: Sequence[str], rows: Sequence[Sequence[Any]], *,
              formats: Mapping[int, Any] | None = None, cap: int = MAX_WIDTH,
              filter: bool = True) -> Any:
        """A sheet of one table: the title row, the header row, the rows."""
        ws = self.wb.add_worksheet(name[:31])
        widths = column_widths(header, rows, cap)
        for j, w in enumerate(widths):
            ws.set_column(j, j, w)
        ws.write_string(0, 0, self.title.line(name), self.fmt_title)
        ws.write_row(1, 0, list(header), self.fmt_head)
        for i, r in enumerate(rows, start=HEAD_ROWS):
            self._write(ws, i, r, widths, formats)
        ws.freeze_panes(HEAD_ROWS, 0)
        if filter and rows:
            ws.autofilter(1, 0, len(rows) + 1, len(header) - 1)
        self._print_setup(ws, HEAD_ROWS - 1)
        return ws

    def blocks(self, name: str, header: Sequence[str],
               blocks: Sequence[tuple[str, Sequence[Sequence[Any]]]], *,
               cap: int = MAX_WIDTH, min_widths: Mapping[int, int] | None = None,
               row_height: float | None = None) -> Any:
        """A sheet of blocks, one printed page each: a heading line, the header, the
        block's rows (an inspector team's day, a staff member's week). The title row
        repeats on every page. ``min_widths`` and ``row_height`` (points) leave room to
        write by hand (an outcome, a signature). More blocks than a sheet can break
        pages for (Excel keeps 1,023 breaks) go on to sheets "<name> (2)", …"""
        if len(blocks) > BLOCKS_PER_SHEET:
            first = None
            for k in range(0, len(blocks), BLOCKS_PER_SHEET):
                part = name if k == 0 else f"{name[:25]} ({k // BLOCKS_PER_SHEET + 1})"
                ws = self.blocks(part, header, blocks[k:k + BLOCKS_PER_SHEET], cap=cap,
                                 min_widths=min_widths, row_height=row_height)
                first = first or ws
            return first
        ws = self.wb.add_worksheet(name[:31])
        every = [r for _, rows in blocks for r in rows]
        widths = column_widths(header, every, cap)
        for j, w in (min_widths or {}).items():
            widths[j] = max(widths[j], w)
        for j, w in enumerate(widths):
            ws.set_column(j, j, w)
        ws.write_string(0, 0, self.title.line(name), self.fmt_title)
        row, breaks = 1, []
        for n, (heading, rows) in enumerate(blocks):
            if n:
                breaks.append(row)
            ws.write_string(row, 0, heading, self.fmt_block)
            ws.write_row(row + 1, 0, list(header), self.fmt_head)
            for i, r in enumerate(rows, start=row + 2):
                self._write(ws, i, r, widths)
                if row_height:
                    ws.set_row(i, row_height)
            row += len(rows) + 3
        ws.set_h_pagebreaks(breaks)
        ws.freeze_panes(1, 0)
        self._print_setup(ws, 0)
        return ws

    def close(self) -> None:
        self.wb.close()


def replace_strings(xlsx: bytes, pairs: Sequence[tuple[str, str]]) -> bytes:
    """The workbook ``xlsx`` with each ``old`` text of its cells (its shared strings)
    replaced by ``new``; everything else (formats, print setup) byte for byte as it
    was. For a word decided after the workbook was written (a roster's state)."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                text = data.decode("utf-8")
                for old, new in pairs:
                    text = text.replace(escape(old), escape(new))
                data = text.encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


def yes_no(value: Any) -> str:
    """A true/false value as a planner reads it: 是 / 否."""
    if isinstance(value, str):
        value = value.strip().lower() in ("true", "1", "yes", "y", "是")
    return "是" if value else "否"

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
