"""The scorecard as people read it: :func:`rendered` (the API's answer, which the
``/plan`` page draws), :func:`text` (what ``tuoyu scorecard`` prints) and
:func:`write_xlsx` (``scorecard.xlsx``: the same figures, printable)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tuoyu.api.exports.workbook import Book, Title
from tuoyu.api.text import Lang, label, message, number, percent
from tuoyu.planning.scorecard import DISTRICT, Line, Scorecard

FILES = ("scorecard.xlsx", "scorecard.txt")


def _goal(x: Line, lang: Lang) -> str:
    if x.goal is None:
        return ""
    if x.goal_max is not None:
        return message("scorecard.goal.range", {"goal": number(x.goal),
                                                "goal_max": number(x.goal_max)}, lang)
    if x.unit == "share":
        return message("scorecard.goal.share", {"goal": percent(x.goal)}, lang)
    return message("scorecard.goal.count", {"goal": number(x.goal)}, lang)


def _figure(x: Line, lang: Lang) -> str:
    if not x.known:
        return label("scorecard.unknown", lang)
    if x.total is not None:
        return message("scorecard.of", {"value": number(x.value), "total": number(x.total),
                                        "share": percent(x.share)}, lang)
    return number(x.value)


def _state(x: Line, lang: Lang) -> str:
    if not x.known:
        return label(x.missing, lang)
    if x.met is None:
        return label("scorecard.no_target", lang) if x.goal is not None else ""
    return label("plan.target_met" if x.met else "plan.target_unmet", lang)


def _detail(x: Line, lang: Lang) -> str:
    p = x.params
    if not x.known:
        return ""
    if x.code == "scorecard.sessions" and p.get("fewest") is not None:
        return message("scorecard.detail.sessions", p, lang)
    if x.code == "scorecard.events":
        return message("scorecard.detail.events", p, lang)
    if x.code == "scorecard.integrated":
        return label("scorecard.detail.integrated_plan" if p.get("with_plan")
                     else "scorecard.detail.integrated_now", lang)
    return ""


def _source(where: str, lang: Lang, folders: bool = True) -> str:
    """Which plan a figure read, in words: a plan made in the pages (and when), a folder
    of plans made on the command line (``folders``: named; else when it was written),
    or none."""
    if not where:
        return label("scorecard.none", lang)
    place, _, time = where.partition("|")
    if place.startswith("job:"):
        return message("scorecard.plan_job", {"time": time}, lang)
    if not folders:
        return message("scorecard.plan_cli", {"time": time}, lang)
    return message("scorecard.plan_folder", {"folder": place}, lang)


def rendered(card: Scorecard, district: str, sources: Mapping[str, str],
             lang: Lang = "zh", *, folders: bool = True) -> dict[str, Any]:
    """The scorecard with every figure said for people (and the numbers, for charts):
    per figure its label, where it comes from, and one entry per street. ``folders``:
    name the folders the command line wrote its plans in (the command line's own
    scorecard); the service's says only when they were written, never a server path."""
    names = dict(card.streets)
    figures = []
    for code in card.codes:
        lines = [x for x in card.lines if x.code == code]
        first = lines[0]
        figures.append({
            "code": code,
            "label": label(code, lang),
            "source": label(first.source, lang),
            "goal": first.goal,
            "goal_max": first.goal_max,
            "goal_text": _goal(first, lang),
            "lines": [{
                **x.as_dict(),
                "street": label("scorecard.district", lang) if x.street_id == DISTRICT
                else names.get(x.street_id, x.street_id),
                "figure": _figure(x, lang),
                "state": _state(x, lang),
                "detail": _detail(x, lang),
            } for x in lines],
        })
    return {
        "year": card.year,
        "today": card.today.isoformat(),
        "district": district,
        "title": message("scorecard.title", {"district": district, "year": card.year}, lang),
        "plans": {kind: _source(where, lang, folders) for kind, where in sources.items()},
        "plan_jobs": {kind: where.split("|")[0].removeprefix("job:")
                      for kind, where in sources.items() if where.startswith("job:")},
        "figures": figures,
    }


def text(doc: Mapping[str, Any], lang: Lang = "zh") -> str:
    """The scorecard as the command line prints it: the district's figures, then the
    streets' where a target is not met or not known."""
    lines = [doc["title"]]
    for f in doc["figures"]:
        whole = f["lines"][0]
        bits = [whole["figure"], f["goal_text"], whole["state"], whole["detail"]]
        lines.append(f"  {f['label']}：" + "；".join(b for b in bits if b))
        short = [x["street"] for x in f["lines"][1:] if x["met"] is False]
        if short:
            lines.append(("    未达标的街镇：" if lang == "zh" else "    streets not met: ")
                         + ("、" if lang == "zh" else ", ").join(short))
    lines.append(message("scorecard.from_plans", doc["plans"], lang))
    return "\n".join(lines)


def _cell(x: Mapping[str, Any]) -> Any:
    """A line's 完成情况 cell: a count alone as a number (Excel adds it up), "26,382 /
    33,012" and "not known yet" as text."""
    if x.get("known", True) and x.get("total") is None \
            and isinstance(x.get("value"), int | float):
        return x["value"]
    return x["figure"]


def write_xlsx(doc: Mapping[str, Any], path: Path) -> None:
    """``scorecard.xlsx``: 全区 (one row per figure), one sheet per figure by street,
    来源 (where each figure comes from); printable like every workbook of ours."""
    book = Book(path, Title(district=doc["district"], plan="三年行动计划目标",
                            period=f"{doc['year']}年"))
    head = ["指标", "完成情况", "目标", "是否达标", "说明"]
    book.table("全区", head, [[f["label"], _cell(f["lines"][0]), f["goal_text"],
                              f["lines"][0]["state"], f["lines"][0]["detail"]]
                             for f in doc["figures"]], filter=False)
    pct = book.format(num_format="0.0%")
    for n, f in enumerate(doc["figures"], start=1):
        rows = [[x["street"], _cell(x), "" if x["share"] is None else x["share"],
                 x["state"], x["detail"]] for x in f["lines"]]
        book.table(re.sub(r"[\[\]:*?/\\]", "_", f"{n}.{f['label']}")[:31],
                   ["街镇", "完成情况", "比例", "是否达标", "说明"], rows, formats={2: pct})
    book.table("来源", ["指标", "数据来源"], [[f["label"], f["source"]] for f in doc["figures"]]
               + [["所用方案", message("scorecard.from_plans", doc["plans"])]], cap=90,
               filter=False)
    book.close()
