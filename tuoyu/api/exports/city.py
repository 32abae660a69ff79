"""Writing a city's plans: the lines printed as each district finishes (its folder is
delivered by ``tuoyu.api.runner.deliver_each``, each planner's files by its own
exporter) and the city summary table (``city_summary.csv``
and ``city_summary.xlsx``: one row per district and planner)."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from tuoyu.api.exports.workbook import csv_text, workbook
from tuoyu.api.text import Lang, describe, label, message, render, render_data_error
from tuoyu.models.errors import DataError
from tuoyu.planning.city import DistrictResult, Failure

SUMMARY = ("city_summary.csv", "city_summary.xlsx")
COLUMNS = ("district", "planner", "status", "objective", "gap", "targets", "seconds", "error",
           "folder")


def failure_text(failure: Failure, lang: Lang = "zh") -> str:
    """Why a district's planner gave nothing, in the reader's language (a data error
    names file, row and column)."""
    if failure.code == "city.data_error":
        return render_data_error(DataError(list(failure.problems)), lang)
    params = dict(failure.params)
    if "status" in params:  # a roster month's state (published, withdrawn…)
        params["status"] = label(f"roster.state.{params['status']}", lang)
    return message(failure.code, {k: v for k, v in params.items() if k != "trace"}, lang)


def error_text(result: DistrictResult, lang: Lang = "zh") -> str:
    """The error of a result that is not ok ('' when it is): its failure, or for a plan
    without rows its status and reasons (the clashes with amounts)."""
    if result.failure is not None:
        return failure_text(result.failure, lang)
    if result.plan is None:
        return label("city.no_plan", lang)
    if result.plan.ok:
        return ""
    return describe(result.plan, lang)


def one_line(text: str) -> str:
    """A message of several lines as one table cell: its lines joined by '；' (none after
    a line that ends in a colon)."""
    out = ""
    for line in (x.strip(" -") for x in text.splitlines() if x.strip()):
        out += line if not out or out.endswith(("：", ":")) else "；" + line
    return out


def _targets(result: DistrictResult, lang: Lang) -> str:
    plan = result.plan
    if plan is None or not plan.targets:
        return ""
    met = sum(1 for t in plan.targets if t.met)
    return message("city.targets_met", {"met": met, "all": len(plan.targets)}, lang)


def summary_rows(results: Iterable[DistrictResult], folders: Mapping[str, str],
                 errors: Mapping[tuple[str, str], str] | None = None,
                 lang: Lang = "zh") -> list[dict[str, Any]]:
    """One row per district and planner: status, objective, gap, key targets met, the
    task's seconds and the error (``errors``: failures after planning, e.g. a folder
    that could not be written, by (district, planner))."""
    errors = errors or {}
    rows = []
    for r in results:
        plan = r.plan
        err = errors.get((r.district, r.kind)) or error_text(r, lang)
        if r.failure is not None or plan is None:
            status = label("city.status.failed", lang)
        else:
            status = label(f"status.{plan.status}", lang)
        rows.append({
            "district": r.district,
            "planner": label(f"{r.kind}.name", lang),
            "status": status,
            "objective": "" if plan is None or plan.objective is None else plan.objective,
            "gap": "" if plan is None or plan.gap is None else round(plan.gap, 6),
            "targets": _targets(r, lang),
            "seconds": round(r.seconds, 1),
            "error": one_line(err),
            "folder": folders.get(r.district, ""),
        })
    return rows


def _replace_file(path: Path, write: Any) -> None:
    """Write a file beside ``path`` and rename it in place (never half a file)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_summary(rows: Sequence[Mapping[str, Any]], out: Path, lang: Lang = "zh") -> None:
    """``city_summary.csv`` (headers in ``lang``, Chinese by default; UTF-8 with the BOM
    Excel expects) and ``city_summary.xlsx`` (in Chinese, every name kept as text)."""
    out.mkdir(parents=True, exist_ok=True)

    def csv_file(path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8-sig") as f:
            w = csv.writer(f)
            w.writerow([label(f"city.col.{c}", lang) for c in COLUMNS])
            for row in rows:
                w.writerow([csv_text(row[c]) for c in COLUMNS])  # names never formulas

    def xlsx_file(path: Path) -> None:
        wb = workbook(path)
        ws = wb.add_worksheet("各区汇总")
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        ws.write_row(0, 0, [label(f"city.col.{c}", "zh") for c in COLUMNS], head)
        for i, row in enumerate(rows, start=1):
            for j, c in enumerate(COLUMNS):
                value = row[c]
                if isinstance(value, str):
                    ws.write_string(i, j, value)
                else:
                    ws.write(i, j, value)
        for j, width in enumerate((14, 16, 18, 14, 10, 14, 10, 60, 40)):
            ws.set_column(j, j, width)
        ws.freeze_panes(1, 0)
        wb.close()

    _replace_file(out / SUMMARY[0], csv_file)
    _replace_file(out / SUMMARY[1], xlsx_file)


def district_line(result: DistrictResult, lang: Lang = "zh") -> str:
    """One printed line (or a few, for a data error) about a finished planner."""
    planner = label(f"{result.kind}.name", lang)
    if result.ok and result.plan is not None:
        status = label(f"status.{result.plan.status}", lang)
        return message("city.district.ok", {"district": result.district, "planner": planner,
                                            "status": status,
                                            "seconds": f"{result.seconds:.1f}"}, lang)
    return message("city.district.failed", {"district": result.district, "planner": planner,
                                            "reason": error_text(result, lang)}, lang)


__all__ = ["SUMMARY", "district_line", "error_text", "failure_text", "render", "summary_rows",
           "write_summary"]
