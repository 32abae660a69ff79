"""Reading the contract's tables from a folder, with errors a planner can act on.

A table ``NAME`` is read from ``NAME.csv`` (UTF-8 with or without BOM; GB18030 as Excel
on Chinese Windows writes it is accepted too), ``NAME.geojson`` (spatial tables), or a
sheet called ``NAME`` (or its Chinese name) in any ``.xlsx`` workbook in the folder.
Every problem found is collected and raised at once as :class:`DataError`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tuoyu.models.errors import DataError, Problem
from tuoyu.models.schema import TABLES, Column, Table

LIST_SPLIT = re.compile(r"[;；,，、]")
TRUE = {"true", "1", "yes", "y", "t", "是", "对", "√", "在营"}
FALSE = {"false", "0", "no", "n", "f", "否", "不", "×", "停业", ""}
WEEKDAYS = {
    "mon": 0, "monday": 0, "周一": 0, "星期一": 0, "一": 0,
    "tue": 1, "tuesday": 1, "周二": 1, "星期二": 1, "二": 1,
    "wed": 2, "wednesday": 2, "周三": 2, "星期三": 2, "三": 2,
    "thu": 3, "thursday": 3, "周四": 3, "星期四": 3, "四": 3,
    "fri": 4, "friday": 4, "周五": 4, "星期五": 4, "五": 4,
    "sat": 5, "saturday": 5, "周六": 5, "星期六": 5, "六": 5,
    "sun": 6, "sunday": 6, "周日": 6, "星期日": 6, "周天": 6, "星期天": 6, "日": 6, "天": 6,
}  # fmt: skip
DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?(?:\.0+)?)?$")


@dataclass
class Source:
    """Where a table came from: shown in every message about it."""

    label: str  # "institutions.csv" or "plan.xlsx, sheet institutions"
    frame: pd.DataFrame  # all cells as strings, headers as written
    geometry: Any = None  # GeoSeries for geojson sources
    #: a sheet's cells holding a formula without a computed value, (row of ``frame``,
    #: header) -> the formula: they read as blank (``formulas_without_values``)
    formulas: dict[tuple[int, str], str] = field(default_factory=dict)


def _not_text(name: str, raw: bytes) -> Problem:
    """A file neither UTF-8 nor GB18030 (GBK) decodes, located where the encoding that
    reads further first fails (the file's own encoding: a GBK file is not UTF-8 from its
    first Chinese character), by row as every problem counts them (the header is row 1),
    so a planner can find the damaged or foreign character."""
    at = 0
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            raw.decode(encoding)
        except UnicodeDecodeError as exc:
            at = max(at, exc.start)
    row = raw[:at].count(b"\n") + 1
    return Problem(name, "the file is not readable text: a character is neither UTF-8 nor "
                   "GBK", row=row, expected="CSV saved as UTF-8 (Excel: CSV UTF-8) or GBK",
                   got=raw[at:at + 4].hex(" "), code="input.not_text_at",
                   params={"bytes": raw[at:at + 4].hex(" ")})


def decoded(raw: bytes) -> str | None:
    """A table's bytes as text: UTF-8 (a byte order mark dropped), else GBK (GB18030: what
    Excel saves as "CSV" on a Chinese Windows); None when neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(path: Path, problems: list[Problem]) -> pd.DataFrame | None:
    raw = path.read_bytes()
    text = decoded(raw)
    if text is None:
        problems.append(_not_text(path.name, raw))
        return None
    if not text.strip():
        return pd.DataFrame()
    import io

    if _row_too_long(path.name, text, problems):
        return None
    try:
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except pd.errors.ParserError as exc:
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if unclosed:  # pandas counts the header as row 0; a planner as row 1
            problems.append(Problem(path.name, "a quote is not closed before the end of the "
                                    "file", row=int(unclosed.group(1)) + 1,
                                    expected="a closing double quote in the same cell",
                                    code="input.unclosed_quote"))
            return None
        problems.append(Problem(path.name, f"the file is not valid CSV ({exc})",
                                code="input.not_csv", params={"detail": str(exc)[:200]}))
        return None


#: columns a table's header may have: a worksheet's own bound (Excel: 16,384)
MAX_COLUMNS = 16_384


def _row_too_long(name: str, text: str, problems: list[Problem]) -> bool:
    """A header naming a column twice, or a row with more cells than the header (a comma
    in an unquoted name, a stray cell):
    the first such row, by its row number as every other problem counts them (the header
    row 1, blank lines skipped). pandas would otherwise refuse the file in its own words
    or, when every row has the extra cells, take the first columns as the rows' labels and
    shift every column."""
    import csv
    import io

    # newline="": a lone carriage return (an old Mac line end, a stray one) ends a line as
    # it does for pandas; split on "\n" only, the csv module raised on it (a 500)
    records = (r for r in csv.reader(io.StringIO(text, newline="")) if r)
    header = next(records, [])
    width = len(header)
    if width > MAX_COLUMNS:  # before pandas: a million columns took minutes and gigabytes
        problems.append(Problem(name, f"the header has {width} columns", row=1,
                                expected=f"at most {MAX_COLUMNS} columns (as a worksheet)",
                                code="input.too_many_columns",
                                params={"columns": width, "most": MAX_COLUMNS}))
        return True
    seen: dict[str, str] = {}
    for h in header:  # pandas would keep the second as 'name.1', unread
        key = h.strip().lstrip("\ufeff").lower()
        if key and key in seen:
            problems.append(Problem(name, f"column '{h}' appears twice (as '{seen[key]}' and "
                                    f"'{h}')", column=h.strip(), expected="each column once",
                                    code="input.column_twice",
                                    params={"name": h.strip(), "first": seen[key],
                                            "second": h.strip()}))
            return True
        seen[key] = h.strip()
    long = [(i + 2, len(r)) for i, r in enumerate(records) if len(r) > width]
    if not long:
        return False
    row, cells = long[0]
    more = f" (and {len(long) - 1} more rows)" if len(long) > 1 else ""
    problems.append(Problem(name, f"the row has {cells} cells, the header {width}{more}",
                            row=row, expected=f"{width} cells, as many as the header",
                            code="input.row_too_long" + ("_more" if len(long) > 1 else ""),
                            params={"cells": cells, "width": width, "more": len(long) - 1}))
    return True


#: a workbook (a zip of XML) is refused before it is opened when it holds more members,
#: or unpacks to more, than a table's workbook does, or one of its members is packed
#: tighter than Excel's XML ever is (a "zip bomb": a few MB that unpack to gigabytes)
XLSX_MEMBERS = 2000
XLSX_UNPACKED = 1024 * 2**20
XLSX_RATIO, XLSX_RATIO_FROM = 100, 16 * 2**20


def workbook_bound(book: Path) -> tuple[str, dict[str, object]] | None:
    """What makes the workbook too large to open: the message's code of the bound it
    passes (too many members, too large unpacked, packed too tight) and its figures; None
    when it is not (a workbook that is not a zip at all is left to the opening, which
    says so)."""
    import zipfile

    try:
        with zipfile.ZipFile(book) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if len(infos) > XLSX_MEMBERS:
        return "input.workbook_members", {"members": len(infos), "most": XLSX_MEMBERS}
    total = sum(i.file_size for i in infos)
    if total > XLSX_UNPACKED:
        return "input.workbook_unpacked", {"mb": round(total / 2**20),
                                           "most": round(XLSX_UNPACKED / 2**20)}
    for i in infos:
        if i.file_size > XLSX_RATIO_FROM and i.file_size > XLSX_RATIO * max(i.compress_size, 1):
            return "input.workbook_ratio", {"mb": round(i.file_size / 2**20),
                             "packed": round(i.compress_size / 2**20, 1), "most": XLSX_RATIO}
    return None


def xlsx_sheets(folder: Path, problems: list[Problem]) -> dict[str, tuple[Path, str]]:
    """Sheet name -> (workbook, sheet) over every .xlsx in the folder; a workbook that
    cannot be opened is a problem naming it (never a crash)."""
    from openpyxl import load_workbook

    found: dict[str, tuple[Path, str]] = {}
    for book in sorted(folder.glob("*.xlsx")):
        if book.name.startswith("~$"):  # Excel's lock file
            continue
        bound = workbook_bound(book)
        if bound is not None:
            code, figures = bound
            problems.append(Problem(book.name, f"the workbook unpacks beyond its bound "
                                    f"({figures})",
                                    expected="a workbook as Excel or WPS saves it",
                                    code=code, params=figures))
            continue
        try:
            wb = load_workbook(book, read_only=True)
        except Exception:  # BadZipFile, KeyError, InvalidFileException, XML errors …
            problems.append(
                Problem(book.name, "the workbook cannot be opened (damaged, or not .xlsx)",
                        expected="an Excel workbook (.xlsx) saved by Excel or WPS",
                        code="input.bad_workbook")
            )
            continue
        for sheet in wb.sheetnames:
            found.setdefault(sheet.strip(), (book, sheet))
        wb.close()
    return found


def formula_cells(book: Path, sheet: str) -> dict[tuple[int, int], str]:
    """The cells of a sheet that hold a formula without a computed value, as (row,
    column) as Excel numbers them -> the formula. Excel and WPS store each formula's value
    beside it when they save; a workbook written by a program (openpyxl, a database's
    export) stores the formula alone, and a reader of values sees a blank cell. One read
    of the sheet, and a second only when it holds formulas (a workbook that cannot be read
    again answers none: its reading said so)."""
    from openpyxl import load_workbook

    def cells(data_only: bool) -> Iterator[Any]:
        wb = load_workbook(book, read_only=True, data_only=data_only)
        try:
            for row in wb[sheet].iter_rows():
                yield from (c for c in row if getattr(c, "row", None) is not None)
        finally:
            wb.close()

    try:
        found = {(c.row, c.column): str(getattr(c.value, "text", c.value))
                 for c in cells(False) if c.data_type == "f"}
        if found:
            for c in cells(True):
                if c.value is not None:
                    found.pop((c.row, c.column), None)
    except Exception:  # the sheet was read once already: a second failure is not ours to say
        return {}
    return found


def formulas_without_values(book: Path, sheet: str,
                            frame: pd.DataFrame) -> dict[tuple[int, str], str]:
    """:func:`formula_cells` below the header, as (row of ``frame``, its header) -> the
    formula. ``frame`` is the sheet as ``pd.read_excel`` reads it: its header is the
    sheet's row 1 and its column k the sheet's column k + 1."""
    columns = [str(c) for c in frame.columns]
    return {(r - 2, columns[k - 1]): f for (r, k), f in formula_cells(book, sheet).items()
            if r >= 2 and k <= len(columns)}


def formula_problem(label: str, formula: str, row: int, column: str | None) -> Problem:
    """A cell that holds a formula without a computed value (:func:`formula_cells`): not
    blank, and said with what it holds and how to mend it (the tables read, and the
    verify of a published workbook)."""
    return Problem(
        label, f"the cell holds a formula ({_shown(formula)}) without a computed value (the "
        "workbook was not saved by Excel or WPS): open and save the workbook in Excel or "
        "WPS, or enter the value", row=row, column=column,
        code="input.formula_without_value", params={"formula": _shown(formula)})


def _read_geojson(path: Path, table: Table, problems: list[Problem]) -> Source | None:
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several kinds
        problems.append(Problem(path.name, f"the file is not valid GeoJSON ({exc})",
                                code="input.not_geojson", params={"detail": str(exc)[:200]}))
        return None
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        problems.append(
            Problem(
                path.name,
                "wrong coordinate reference system",
                expected="longitude/latitude in EPSG:4326 (WGS 84)",
                got=str(gdf.crs.to_string()),
                code="input.wrong_crs",
                params={"crs": str(gdf.crs.to_string())},
            )
        )
        return None
    frame = pd.DataFrame(gdf.drop(columns="geometry")).astype(object)
    frame = frame.where(frame.notna(), "").astype(str)
    return Source(path.name, frame, gdf.geometry)


def _find_source(
    folder: Path, table: Table, sheets: dict[str, tuple[Path, str]], problems: list[Problem]
) -> Source | None:
    csv = folder / f"{table.name}.csv"
    geo = folder / f"{table.name}.geojson"
    sheet = sheets.get(table.name) or sheets.get(table.zh)
    candidates = [p.name for p in (csv, geo) if p.exists()]
    if sheet:
        candidates.append(f"{sheet[0].name}, sheet {sheet[1]}")
    if len(candidates) > 1 and not (table.name == "streets" and candidates == [csv.name, geo.name]):
        problems.append(
            Problem(
                candidates[0],
                f"table '{table.name}' is given more than once ({'; '.join(candidates)})",
                expected="exactly one source per table",
                code="input.table_twice",
                params={"table": table.name, "sources": candidates},
            )
        )
        return None
    if csv.exists():
        frame = _read_csv(csv, problems)
        return None if frame is None else Source(csv.name, frame)
    if geo.exists() and table.spatial:
        return _read_geojson(geo, table, problems)
    if sheet:
        label = f"{sheet[0].name}, sheet {sheet[1]}"
        try:
            frame = pd.read_excel(sheet[0], sheet_name=sheet[1], dtype=str,
                                  keep_default_na=False)
        except Exception:
            problems.append(Problem(label, "the sheet cannot be read (damaged workbook?)",
                                    expected="a sheet of a valid .xlsx workbook",
                                    code="input.bad_sheet"))
            return None
        if _sheet_shape(label, frame, problems):
            return None
        return Source(label, frame, formulas=formulas_without_values(sheet[0], sheet[1], frame))
    return None


def _sheet_shape(label: str, frame: pd.DataFrame, problems: list[Problem]) -> bool:
    """A sheet's header naming a column twice (pandas reads the second as 'name.1',
    silently unread): said. True when the sheet has such a problem. (A value in a column
    without a header shifts nothing in a sheet: it is kept as a column beyond the
    contract.)"""
    columns = [str(c) for c in frame.columns]
    for c in columns:
        m = re.fullmatch(r"(.+)\.(\d+)", c)
        if m and m.group(1) in columns:
            problems.append(Problem(label, f"column '{m.group(1)}' appears twice",
                                    column=m.group(1), expected="each column once",
                                    code="input.column_twice",
                                    params={"name": m.group(1), "first": m.group(1),
                                            "second": m.group(1)}))
            return True
    return False


def _normalise_headers(source: Source, table: Table, problems: list[Problem]) -> dict[str, str]:
    """Map each contract column to the header the planner used (English or Chinese alias)."""
    lookup: dict[str, str] = {}
    for col in table.columns:
        lookup[col.name.lower()] = col.name
        for alias in col.aliases:
            lookup[alias.strip().lower()] = col.name
    mapping: dict[str, str] = {}
    for header in source.frame.columns:
        key = str(header).strip().lstrip("\ufeff").lower()
        bad = BAD_TEXT.search(key)
        if bad is not None:  # "active\x00" matched no column: its cells went unread
            char = f"U+{ord(bad.group()):04X}"
            problems.append(Problem(
                source.label, f"the column name holds the character {char}", row=1,
                column=_shown(str(header)), expected="a column name without control or "
                "invisible characters", got=_shown(str(header)), code="input.bad_character",
                params={"char": char}))
            continue
        name = lookup.get(key)
        if name is None:
            continue
        if name in mapping:
            problems.append(
                Problem(
                    source.label,
                    f"column '{name}' appears twice (as '{mapping[name]}' and '{header}')",
                    column=str(header),
                    expected="each column once",
                    code="input.column_twice",
                    params={"name": name, "first": mapping[name], "second": str(header)},
                )
            )
            continue
        mapping[name] = str(header)
    return mapping


class CellError(ValueError):
    """A cell refused for a reason of its own (a message code and its parameters)."""

    def __init__(self, code: str, message: str, **params: Any):
        self.code, self.message, self.params = code, message, params
        super().__init__(message)


#: characters no text cell may hold: control characters (line breaks, tabs, …), the
#: line and paragraph separators, the marks that reverse how text is shown, and the
#: invisible ones (zero-width space and joiners, word joiner: an id pasted from a web page
#: that looks like another, 'JG0002\u200b' beside 'JG0002'). A name
#: goes into calendars, CSV, workbooks and pages; one of these would break the file or
#: make it say something else than it holds.
BAD_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e"
                      "\u2060\u2066-\u2069\ufeff]")
#: the longest text a cell may hold: an id, and any other text (a name, a reason, …)
ID_CHARS, TEXT_CHARS = 64, 500
#: dates the tables may hold (a year within these; a leave or an event outside them is
#: a typing error, not a plan)
FIRST_YEAR, LAST_YEAR = 1900, 2100
#: the largest number a column without a stated maximum may hold
MAX_NUMBER = 1e9


#: the first characters that make Excel or WPS read a CSV cell as a formula: an id starts
#: with none of them, since the contract's CSVs (roster.csv, sessions.csv, visits.csv) hold
#: ids as they are, to be read back (a name is text: the exports quote it instead)
ID_FORMULA_START = ("=", "+", "-", "@", "＝", "＋", "－", "＠")


def is_id(col: Column) -> bool:
    return col.unique or col.ref is not None or col.name.endswith("_id")


def check_text(col: Column, s: str) -> str:
    """A text cell under the characters policy: no control or direction characters
    anywhere, at most ID_CHARS for an id and TEXT_CHARS for any other text."""
    bad = BAD_TEXT.search(s)
    if bad is not None:
        char = f"U+{ord(bad.group()):04X}"
        raise CellError("input.bad_character", f"the text holds the character {char}",
                        char=char)
    if is_id(col) and s.startswith(ID_FORMULA_START):
        raise CellError("input.id_formula", "an id starts with a character that makes a "
                        "spreadsheet read it as a formula", char=s[0])
    limit = ID_CHARS if is_id(col) else TEXT_CHARS
    if len(s) > limit:
        raise CellError("input.text_too_long", f"the text is {len(s)} characters long",
                        n=len(s), limit=limit)
    return s


def _date(col: Column, s: str) -> dt.date:
    day = parse_date(s)
    lo = int(col.min) if col.min is not None else FIRST_YEAR
    hi = int(col.max) if col.max is not None else LAST_YEAR
    if not lo <= day.year <= hi:
        raise CellError("input.date_out_of_range", f"the date is not within {lo}-{hi}",
                        got=str(day), min=f"{lo}-01-01", max=f"{hi}-12-31")
    return day


def parse_date(text: str) -> dt.date:
    """An ISO date (``2027-03-01``); ``2027/3/1`` and Excel's ``2027-03-01 00:00:00`` too."""
    m = DATE_RE.match(text.strip())
    if not m:
        raise ValueError(text)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _number(col: Column, s: str) -> Any:
    if col.kind == "int":
        f = float(s)
        if not f.is_integer():
            raise ValueError(s)
        v: Any = int(f)
    else:
        v = float(s)
        if math.isnan(v) or math.isinf(v):
            raise ValueError(s)
    hi = col.max if col.max is not None else MAX_NUMBER
    lo = col.min if col.min is not None else -MAX_NUMBER
    if v < lo or v > hi:
        raise ValueError(s)
    return v


def _bool(col: Column, s: str) -> bool:
    low = s.lower()
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    raise ValueError(s)


def _enum(col: Column, s: str) -> str:
    """A choice by its code (any case) or by the Chinese word a planner writes for it
    (``Column.words``: 合格 is ``pass``)."""
    if col.choices and s not in col.choices:
        if s.lower() in col.choices:
            return s.lower()
        said = dict(col.words).get(s)
        if said is not None:
            return said
        raise ValueError(s)
    return s


def _list(col: Column, s: str) -> tuple[str, ...]:
    """A list cell: each item under the characters policy of a text cell (a NUL byte in
    an inspector's id was said as "'JC002\\u0000' refers to nothing")."""
    items = tuple(check_text(col, x.strip()) for x in LIST_SPLIT.split(s) if x.strip())
    if col.choices:
        items = tuple(x.lower() if x.lower() in col.choices else x for x in items)
        if any(x not in col.choices for x in items):
            raise ValueError(s)
    return items


def _weekdays(col: Column, s: str) -> tuple[int, ...]:
    parts = [p.strip().lower() for p in LIST_SPLIT.split(s) if p.strip()]
    if any(p not in WEEKDAYS for p in parts):
        raise ValueError(s)
    return tuple(sorted({WEEKDAYS[p] for p in parts}))


def _months(col: Column, s: str) -> tuple[int, ...]:
    months = {int(float(p)) for part in LIST_SPLIT.split(s) if (p := part.strip().rstrip("月"))}
    if any(not 1 <= m <= 12 for m in months):
        raise ValueError(s)
    return tuple(sorted(months))


#: one parser per column kind; each raises ValueError on a bad value
PARSERS: dict[str, Any] = {
    "str": check_text,
    "int": _number,
    "float": _number,
    "bool": _bool,
    "date": _date,
    "enum": _enum,
    "list": _list,
    "weekdays": _weekdays,
    "months": _months,
}


def _parse(col: Column, text: str) -> Any:
    """Parse one non-blank cell; raises ValueError with no message on a bad value."""
    return PARSERS[col.kind](col, text.strip())


def _kind(col: Column) -> dict[str, Any]:
    """What a valid value of the column is, as parameters for the message catalogue:
    each choice with the first Chinese word read as it (``pass（合格）``)."""
    first = {code: word for word, code in reversed(col.words)}
    return {"kind": col.kind, "min": col.min, "max": col.max,
            "choices": [f"{c}（{first[c]}）" if c in first else c for c in col.choices or ()]}


def _expected(col: Column) -> str:
    text = col.describe()
    if col.kind in ("int", "float"):
        lo = f"{col.min if col.min is not None else -MAX_NUMBER:g}"
        hi = f"{col.max if col.max is not None else MAX_NUMBER:g}"
        text += f" between {lo} and {hi}" if lo and hi else (f" >= {lo}" if lo else f" <= {hi}")
    return text


def _missing_columns(source: Source, table: Table, mapping: dict[str, str],
                     problems: list[Problem]) -> bool:
    """Report required columns that are missing; True when any is."""
    from_geometry = source.geometry is not None
    missing = [
        c.name
        for c in table.columns
        if c.required
        and c.name not in mapping
        and not (from_geometry and c.name in ("lon", "lat"))
    ]
    for name in missing:
        col = table.column(name)
        alias = f" (or {'/'.join(col.aliases)})" if col.aliases else ""
        problems.append(
            Problem(
                source.label,
                f"required column '{name}'{alias} is missing",
                column=name,
                expected=f"a column '{name}' with {col.describe()}",
                code="input.missing_column",
                params={"name": name, "aliases": list(col.aliases), **_kind(col)},
            )
        )
    return bool(missing)


def _shown(text: str, limit: int = 80) -> str:
    """A cell as an error shows it: control characters visible, long text cut."""
    shown = BAD_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _column_values(source: Source, col: Column, header: str | None,
                   problems: list[Problem]) -> list[Any]:
    """One column's cells parsed to its type; blanks get the default (or a problem when
    the column is required), bad cells a located problem."""
    frame = source.frame
    cells = frame[header].tolist() if header is not None else [""] * len(frame)
    values: list[Any] = []
    for i, cell in enumerate(cells):
        text = "" if cell is None else str(cell)
        if text.strip() == "" or text.strip().lower() == "nan":
            formula = source.formulas.get((i, header)) if header is not None else None
            if formula is not None:  # not blank: its value was never computed
                problems.append(formula_problem(source.label, formula, i + 2, header))
                values.append(col.default)
                continue
            if col.required and col.default is None and not col.allow_blank and header:
                problems.append(
                    Problem(source.label, "a value is missing", row=i + 2, column=header,
                            expected=_expected(col), code="input.value_missing",
                            params=_kind(col))
                )
            values.append(col.default)
            continue
        try:
            values.append(_parse(col, text))
        except CellError as err:
            problems.append(
                Problem(source.label, err.message, row=i + 2, column=header,
                        expected=_expected(col), got=_shown(text), code=err.code,
                        params=err.params)
            )
            values.append(col.default)
        except (ValueError, OverflowError):
            problems.append(
                Problem(source.label, "a value is not valid", row=i + 2, column=header,
                        expected=_expected(col), got=text, code="input.value_invalid",
                        params=_kind(col))
            )
            values.append(col.default)
    return values


def _geometry_problem(label: str, i: int, g: Any, table: Table,
                      allowed: set[str]) -> Problem | None:
    shapes = "point_or_polygon" if table.polygons else "point"
    if g is None or g.is_empty:
        return Problem(label, "a feature has no geometry", row=i + 2, column="geometry",
                       expected="a point" + (" or polygon" if table.polygons else ""),
                       code="input.no_geometry", params={"kind": shapes})
    if g.geom_type not in allowed:
        return Problem(label, "a feature has the wrong geometry type", row=i + 2,
                       column="geometry", expected=" or ".join(sorted(allowed)),
                       got=g.geom_type, code="input.wrong_geometry", params={"kind": shapes})
    if not g.is_valid:
        return Problem(label, "a feature has invalid geometry (self-intersecting?)",
                       row=i + 2, column="geometry", expected="a valid geometry",
                       code="input.invalid_geometry")
    return None


def _take_geometry(source: Source, table: Table, df: pd.DataFrame,
                   problems: list[Problem]) -> None:
    """A GeoJSON table: check every feature's geometry; when all are good, lon/lat are
    the points (a polygon's representative point) and the geometry is kept."""
    geom = source.geometry
    allowed = {"Point"} | ({"Polygon", "MultiPolygon"} if table.polygons else set())
    found = [_geometry_problem(source.label, i, g, table, allowed) for i, g in enumerate(geom)]
    problems.extend(p for p in found if p is not None)
    if any(found):
        return
    reps = [g.representative_point() if g.geom_type != "Point" else g for g in geom]
    df["lon"] = [p.x for p in reps]
    df["lat"] = [p.y for p in reps]
    df["geometry"] = list(geom)


def _unique_ids(source: Source, table: Table, df: pd.DataFrame, mapping: dict[str, str],
                problems: list[Problem]) -> None:
    for col in table.columns:
        if not col.unique:
            continue
        seen: dict[Any, int] = {}
        for i, v in enumerate(df[col.name]):
            if v in (None, ""):
                continue
            if v in seen:
                problems.append(
                    Problem(
                        source.label,
                        f"duplicate id '{v}' (first on row {seen[v] + 2})",
                        row=i + 2,
                        column=mapping.get(col.name, col.name),
                        expected="each id once",
                        got=str(v),
                        code="input.duplicate_id",
                        params={"id": str(v), "first_row": seen[v] + 2},
                    )
                )
            else:
                seen[v] = i


def _typed_table(source: Source, table: Table, problems: list[Problem]) -> pd.DataFrame | None:
    """The table with every contract column parsed to its type, or None when it cannot
    be read at all; every problem found is added to ``problems``, located."""
    frame = source.frame
    if len(frame.columns) == 0 and (table.optional or table.allow_empty):
        frame = source.frame = pd.DataFrame(columns=[c.name for c in table.columns])
    mapping = _normalise_headers(source, table, problems)
    if len(frame.columns) == 0:  # a file saved empty: no header, no rows
        problems.append(Problem(source.label, "the table is empty",
                                expected="at least one row of data", code="input.empty_table"))
        return None
    if _missing_columns(source, table, mapping, problems):
        return None
    if len(frame) == 0 and not table.allow_empty:
        problems.append(
            Problem(source.label, "the table is empty", expected="at least one row of data",
                    code="input.empty_table")
        )
        return None
    n_before = len(problems)
    projected = _projected_problem(source, table, mapping, problems)
    df = _parsed_columns(source, table, mapping, projected, problems)
    if source.geometry is not None and len(problems) == n_before:
        _take_geometry(source, table, df, problems)
    elif source.geometry is not None:
        _take_geometry(source, table, df.copy(), problems)  # report, keep nothing
    if table.spatial and not projected and len(df):
        _check_lonlat(source.label, df, problems)
    _unique_ids(source, table, df, mapping, problems)
    for check in table.checks:
        CHECKS[check](source.label, df, mapping, problems)
    df.attrs["headers"] = dict(mapping)  # the planner's own header of each column
    return df


def _projected_problem(source: Source, table: Table, mapping: dict[str, str],
                       problems: list[Problem]) -> bool:
    """A spatial table whose lon/lat hold metres: said once, located at the column."""
    if not (table.spatial and _looks_projected(source.frame, mapping)):
        return False
    problems.append(
        Problem(
            source.label,
            "coordinates look projected (metres), not longitude/latitude",
            column=mapping["lon"],
            expected="EPSG:4326 longitude and latitude in degrees (about 121, 31)",
            code="input.projected",
        )
    )
    return True


def _parsed_columns(source: Source, table: Table, mapping: dict[str, str], projected: bool,
                    problems: list[Problem]) -> pd.DataFrame:
    """Every contract column parsed to its type (projected lon/lat left empty), and the
    columns beyond the contract kept as text (the contract allows them)."""
    frame = source.frame
    out: dict[str, list[Any]] = {}
    for col in table.columns:
        if projected and col.name in ("lon", "lat"):
            out[col.name] = [None] * len(frame)
        else:
            out[col.name] = _column_values(source, col, mapping.get(col.name), problems)
    known = set(mapping.values())
    for header in frame.columns:
        if header not in known and str(header) not in out:
            out[str(header)] = frame[header].tolist()
    return pd.DataFrame(out)


def _looks_projected(frame: pd.DataFrame, mapping: dict[str, str]) -> bool:
    """lon/lat columns holding metres (|value| > 180) rather than degrees: most of the
    values, not one typo (a single bad row is reported by its row)."""
    if "lon" not in mapping or "lat" not in mapping:
        return False
    values = pd.to_numeric(
        pd.concat([frame[mapping["lon"]], frame[mapping["lat"]]]), errors="coerce"
    )
    values = values.dropna()
    return bool(len(values)) and bool((values.abs() > 180).mean() > 0.5)


#: a place farther than this from the middle of its table is not one a planner meant
FAR_KM = 150.0


def _check_lonlat(label: str, df: pd.DataFrame, problems: list[Problem]) -> None:
    """Catch projected coordinates (metres) handed over as if they were lon/lat, swapped
    columns, a row out of range, and a place far from all the others (a typo, or a point
    in another city)."""
    lon = pd.to_numeric(df["lon"], errors="coerce")
    lat = pd.to_numeric(df["lat"], errors="coerce")
    bad = (lon.abs() > 180) | (lat.abs() > 90)
    if bad.mean() > 0.5:
        problems.append(
            Problem(
                label,
                "coordinates look projected (metres), not longitude/latitude",
                column="lon",
                expected="EPSG:4326 longitude and latitude in degrees",
                code="input.projected",
            )
        )
        return
    if len(df) and ((lon < lat).mean() > 0.5) and lat.abs().max() > 60 >= lon.abs().max():
        problems.append(
            Problem(
                label,
                "longitude and latitude look swapped",
                column="lon",
                code="input.swapped",
                expected="lon east-west (about 121 in Shanghai), lat north-south (about 31)",
            )
        )
        return
    for i in bad[bad].index:
        column = "lon" if abs(lon[i]) > 180 else "lat"
        problems.append(
            Problem(label, "a coordinate is out of range", row=int(i) + 2, column=column,
                    expected="longitude -180..180 and latitude -90..90, in degrees",
                    got=str(df[column][i]), code="input.coordinate_range")
        )
    ok = ~bad & lon.notna() & lat.notna()
    if ok.sum() < 3:
        return
    mid_lon, mid_lat = float(lon[ok].median()), float(lat[ok].median())
    km = 111.2 * ((lat - mid_lat) ** 2 + ((lon - mid_lon) * math.cos(math.radians(mid_lat)))
                  ** 2) ** 0.5
    for i in km[ok & (km > FAR_KM)].index:
        problems.append(
            Problem(label, f"the place is {km[i]:,.0f} km from the others in the table",
                    row=int(i) + 2, column="lon",
                    expected=f"a place within {FAR_KM:.0f} km of the others (check lon/lat)",
                    got=f"{df['lon'][i]}, {df['lat'][i]}", code="input.far_away",
                    params={"km": round(float(km[i])), "limit": FAR_KM})
        )


def _check_personal_places(label: str, df: pd.DataFrame, tables: dict[str, pd.DataFrame],
                            problems: list[Problem]) -> None:
    """A place given in a table of personal data (a family's own ``lon``/``lat``) far
    from the district: farther than :data:`FAR_KM` from the middle of the other places
    given (the table's own and the committees' in ``communities``, so that a table of
    two families is checked too). The problem names the file, row and column and what
    was expected, never the family's place nor how far it is (that would tell where the
    family lives; 个人信息保护法)."""
    if "lon" not in df.columns or "lat" not in df.columns or not len(df):
        return
    lon = pd.to_numeric(df["lon"], errors="coerce")
    lat = pd.to_numeric(df["lat"], errors="coerce")
    ok = lon.notna() & lat.notna() & (lon.abs() <= 180) & (lat.abs() <= 90)
    if not ok.any():
        return
    others = [(lon[ok], lat[ok])]
    ref = tables.get("communities")
    if ref is not None and {"lon", "lat"} <= set(ref.columns):
        others.append((pd.to_numeric(ref["lon"], errors="coerce"),
                       pd.to_numeric(ref["lat"], errors="coerce")))
    all_lon = pd.concat([o[0] for o in others], ignore_index=True)
    all_lat = pd.concat([o[1] for o in others], ignore_index=True)
    known = all_lon.notna() & all_lat.notna() & (all_lon.abs() <= 180) & (all_lat.abs() <= 90)
    if known.sum() < 3:
        return
    mid_lon, mid_lat = float(all_lon[known].median()), float(all_lat[known].median())
    km = 111.2 * ((lat - mid_lat) ** 2 + ((lon - mid_lon) * math.cos(math.radians(mid_lat)))
                  ** 2) ** 0.5
    for i in km[ok & (km > FAR_KM)].index:
        problems.append(
            Problem(label, f"the place is more than {FAR_KM:.0f} km from the others",
                    row=int(i) + 2, column=df.attrs.get("headers", {}).get("lon", "lon"),
                    expected=f"a place within {FAR_KM:.0f} km of the district's others "
                             "(check lon/lat), or lon and lat left blank",
                    code="input.far_away_personal", params={"limit": round(FAR_KM)}))


def _start_before_end(
    label: str, df: pd.DataFrame, mapping: dict[str, str], problems: list[Problem]
) -> None:
    for i, (s, e) in enumerate(zip(df["start"], df["end"], strict=True)):
        if s is not None and e is not None and e < s:
            problems.append(
                Problem(
                    label,
                    "the end is before the start",
                    row=i + 2,
                    column=mapping.get("end", "end"),
                    expected=f"a date on or after {s}",
                    got=str(e),
                    code="input.end_before_start",
                    params={"start": str(s)},
                )
            )


def _institution_or_operator(
    label: str, df: pd.DataFrame, mapping: dict[str, str], problems: list[Problem]
) -> None:
    for i, (inst, op) in enumerate(zip(df["institution_id"], df["operator"], strict=True)):
        if not inst and not op:
            problems.append(
                Problem(
                    label,
                    "a conflict names neither an institution nor an operator",
                    row=i + 2,
                    column=mapping.get("institution_id", "institution_id"),
                    expected="an institution_id or an operator",
                    code="input.conflict_no_target",
                )
            )


#: the longest leave a table may hold: an absence longer than this is not a leave (take
#: the person out of the table), and a span like 1900-9999 is a typing error
MAX_LEAVE_DAYS = 366 * 3


def _leave_span(
    label: str, df: pd.DataFrame, mapping: dict[str, str], problems: list[Problem]
) -> None:
    for i, (s, e) in enumerate(zip(df["start"], df["end"], strict=True)):
        if s is not None and e is not None and (e - s).days + 1 > MAX_LEAVE_DAYS:
            problems.append(
                Problem(label, "the leave is too long", row=i + 2,
                        column=mapping.get("end", "end"),
                        expected=f"a leave of at most {MAX_LEAVE_DAYS} days",
                        got=f"{s} – {e}", code="input.leave_too_long",
                        params={"days": (e - s).days + 1, "limit": MAX_LEAVE_DAYS})
            )


CHECKS = {
    "leave_span": _leave_span,
    "start_before_end": _start_before_end,
    "institution_or_operator": _institution_or_operator,
}


def _check_references(
    tables: dict[str, pd.DataFrame], labels: dict[str, str], problems: list[Problem]
) -> None:
    """Every id that refers to another table names a row there. Folded so a planner sees
    causes, not echoes: nothing is checked against a table that has problems of its own
    (its ids are not to be trusted yet), and one unknown id is one problem, however many
    rows name it (the first row, and how many more)."""
    troubled = {labels[n] for n in tables if any(p.file == labels[n] for p in problems)}
    for name, df in tables.items():
        table = TABLES[name]
        for col in table.columns:
            if col.ref is None or col.name not in df.columns:
                continue
            target, target_col = col.ref
            if target not in tables or labels.get(target) in troubled:
                continue
            valid = set(tables[target][target_col].dropna())
            valid.discard("")
            unknown: dict[str, list[int]] = {}
            for i, v in enumerate(df[col.name]):
                for item in v if isinstance(v, tuple) else (v,):
                    if item not in (None, "") and item not in valid:
                        unknown.setdefault(item, []).append(i + 2)
            for item, rows in unknown.items():
                more = f" (and {len(rows) - 1} more rows)" if len(rows) > 1 else ""
                problems.append(
                    Problem(
                        labels[name],
                        f"'{item}' refers to nothing: no {target_col} '{item}' in "
                        f"{labels[target]}{more}",
                        row=rows[0],
                        column=df.attrs.get("headers", {}).get(col.name, col.name),
                        expected=f"{target_col} listed in {labels[target]}",
                        got=str(item),
                        code="input.refers_to_nothing" + ("_more" if len(rows) > 1 else ""),
                        params={"id": str(item), "target_column": target_col,
                                "target": labels[target], "more": len(rows) - 1},
                    )
                )


def read_tables(folder: str | Path, names: Iterable[str]) -> dict[str, pd.DataFrame]:
    """Read and check the named tables from a dataset folder.

    Returns typed DataFrames (dates as ``datetime.date``, lists as tuples, spatial tables
    with ``lon``/``lat`` and, from GeoJSON, a ``geometry`` column). Optional tables that are
    absent come back empty with their columns. Raises :class:`DataError` listing every
    problem found (missing file or column, bad value, duplicate id, dangling reference,
    empty table).
    """
    folder = Path(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        raise DataError(
            [
                Problem(
                    str(folder),
                    "the dataset folder does not exist",
                    expected="a folder with the contract's tables",
                    code="input.no_folder",
                )
            ]
        )
    sheets = xlsx_sheets(folder, problems)
    out: dict[str, pd.DataFrame] = {}
    labels: dict[str, str] = {}
    for name in names:
        table = TABLES[name]
        before = len(problems)
        source = _find_source(folder, table, sheets, problems)
        if source is None:
            labels[name] = f"{name}.csv"
            if len(problems) > before:  # its file or sheet said what is wrong with it
                continue
            if not table.optional and not any(p.file.startswith(name) for p in problems):
                problems.append(
                    Problem(
                        f"{name}.csv",
                        f"required table '{name}' ({table.zh}) is missing",
                        expected=f"{name}.csv"
                        + (f" or {name}.geojson" if table.spatial else "")
                        + f" or a sheet '{name}' in an .xlsx workbook in {folder}",
                        code="input.missing_table",
                        params={"table": name, "table_zh": table.zh, "spatial": table.spatial},
                    )
                )
            else:
                out[name] = pd.DataFrame({c.name: [] for c in table.columns})
            continue
        labels[name] = source.label
        df = _typed_table(source, table, problems)
        if df is not None:
            out[name] = df
    _check_references(out, labels, problems)
    for name in names:
        if TABLES[name].personal and name in out and not TABLES[name].spatial:
            _check_personal_places(labels[name], out[name], out, problems)
    if problems:
        raise DataError(unquoted_personal(problems, {
            labels[n] for n in names if TABLES[n].personal and n in labels}))
    return out


def unquoted_personal(problems: list[Problem], personal: set[str]) -> list[Problem]:
    """The problems, those of a table of personal data (``personal``: the files' labels,
    e.g. families.csv) without the cell's value: an error names the file, row, column and
    what was expected, never a family's birth date, place or needs (个人信息保护法: the
    message reaches terminals, job rows and logs)."""
    from dataclasses import replace

    return [replace(p, got=None) if p.file in personal and p.got is not None else p
            for p in problems]


def read_geojson_polygons(path: Path) -> Any:
    """Street polygons (``streets.geojson``) as a GeoDataFrame, or None when absent."""
    if not path.exists():
        return None
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several kinds
        raise DataError(
            [Problem(path.name, f"the file is not valid GeoJSON ({str(exc)[:200]})",
                     expected="street polygons as GeoJSON (EPSG:4326)",
                     code="input.not_geojson", params={"detail": str(exc)[:200]})]
        ) from None
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        raise DataError(
            [
                Problem(
                    path.name,
                    "wrong coordinate reference system",
                    expected="EPSG:4326",
                    got=str(gdf.crs),
                    code="input.wrong_crs",
                    params={"crs": str(gdf.crs)},
                )
            ]
        )
    return gdf


def canonical_json(tables: dict[str, pd.DataFrame]) -> bytes:
    """A stable serialisation of typed tables, for fingerprints of the inputs."""

    def conv(v: Any) -> Any:
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, tuple):
            return [conv(x) for x in v]
        if isinstance(v, float):
            return round(v, 9)
        if hasattr(v, "wkt"):
            return v.wkt
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        return v

    doc = {}
    for name in sorted(tables):
        df = tables[name]
        cols = [c.name for c in TABLES[name].columns if c.name in df.columns and not (
            c.blank_unprinted and all(v in ("", None) for v in df[c.name]))]
        rows = [[conv(v) for v in row] for row in df[cols].itertuples(index=False)]
        rows.sort(key=lambda r: json.dumps(r, ensure_ascii=False, default=str))
        doc[name] = {"columns": cols, "rows": rows}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str).encode()


def district_name(folder: Path) -> str:
    """The district a dataset is of: the ``name`` of the first feature of its
    ``district.geojson`` (the bundled data's outline: 宝山区), or "" when it has none or the
    file does not say. Only a label for people (page titles, the offline map's title): a
    broken file is not an error here, the tables are what the plans read."""
    path = Path(folder) / "district.geojson"
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
        name = doc["features"][0]["properties"]["name"]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return ""
    if not isinstance(name, str):
        return ""
    return one_line(name, 40)


def one_line(text: str, most: int) -> str:
    """A label for people (a district's name in titles, calendars, notices): one line of
    at most ``most`` characters, without the characters no text may hold (:data:`BAD_TEXT`:
    a NUL or a direction mark that reverses the title shown)."""
    return " ".join(BAD_TEXT.sub(" ", text).split())[:most]
