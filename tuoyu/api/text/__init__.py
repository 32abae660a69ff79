"""Every word a planner reads, in Chinese first and English second: the message
catalogue of findings, soft goals, targets, statuses and stages, and :func:`render`.

The optimizer and the planning layer speak in codes with parameters
(:class:`tuoyu.models.findings.Finding`); this is the one place they become sentences.
Each planner keeps its own catalogue module of ``CODE: (zh, en)`` templates in
:meth:`str.format` syntax, named by its registry entry (``messages``); ``common``,
``input`` and ``city`` hold the shared ones. Lists in parameters are joined the way each language writes them.
"""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Mapping
from typing import Any, Literal

from tuoyu.api.text import city, cli, common, input, scorecard
from tuoyu.models.errors import DataError, Problem
from tuoyu.models.findings import Finding
from tuoyu.planning import registry
from tuoyu.planning.plan import Plan

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

CATALOGUE: dict[str, tuple[str, str]] = {}
_LOADED: set[str] = set()


def _add(module: Any) -> None:
    for code, pair in module.MESSAGES.items():
        if code in CATALOGUE:
            raise RuntimeError(f"message code {code!r} defined twice")
        CATALOGUE[code] = pair
    _LOADED.add(module.__name__)


def load_planners() -> None:
    """Add the messages of every registered planner not loaded yet (a planner
    registered after this module was imported: a test's toy planner)."""
    for planner in registry.planners():
        if planner.messages not in _LOADED:
            _add(importlib.import_module(planner.messages))


for _module in (common, input, city, cli, scorecard):
    _add(_module)
load_planners()


def _value(v: Any, lang: Lang) -> str:
    if isinstance(v, Mapping) and lang in v:  # a value worded in each language
        return _value(v[lang], lang)
    if isinstance(v, list | tuple):
        return ("、" if lang == "zh" else ", ").join(_value(x, lang) for x in v)
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    if isinstance(v, float):
        return number(v)
    if isinstance(v, int):
        return f"{v:,}" if abs(v) >= 10000 else str(v)
    return "" if v is None else str(v)


MINUS = "−"  # U+2212: the minus sign a printed figure uses


def number(v: float | int | None, digits: int | None = None) -> str:
    """A number as people read it, the one way every face writes one: thousands
    separated, rounded to what matters (no float noise such as 1172.2000000000003):
    0 decimals from 1,000 up, 1 from 10, 2 below (trailing zeros dropped; ``digits``
    fixes the decimals), a real minus sign, never "−0"; "—" when unknown."""
    if v is None:
        return "—"
    x = float(v)
    if x != x:  # NaN
        return "—"
    if digits is None:
        a = abs(x)
        digits = 0 if a >= 1000 or x == int(x) else 1 if a >= 10 else 2
    text = f"{abs(x):,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.strip("0.,") == "":
        return "0"
    return (MINUS if x < 0 else "") + text


def percent(share: float | None) -> str:
    """A share (0.237) as a percentage for people (23.7%); "—" when unknown; a share
    below 0.1% but above 0 as "<0.1%" (never a 0% that is not one)."""
    if share is None:
        return "—"
    if 0 < abs(share) < 0.001:
        return "<0.1%"
    return number(share * 100, 1) + "%"


def local_time(when: Any, lang: Lang = "zh") -> str:
    """A moment as people in the office read it: in Asia/Shanghai, said so in words
    ("2027-03-01 09:30:00（北京时间）"); "—" when unknown. ``when`` is a datetime or an
    ISO text (the store keeps UTC: a time without zone is UTC); text that is no time is
    given back as it is."""
    import datetime as dt

    if when is None or when == "":
        return "—"
    t = when
    if not isinstance(t, dt.datetime):
        try:
            t = dt.datetime.fromisoformat(str(when).strip().replace("Z", "+00:00"))
        except ValueError:
            return str(when)
    t = t if t.tzinfo else t.replace(tzinfo=dt.UTC)
    try:
        from zoneinfo import ZoneInfo

        zone: dt.tzinfo = ZoneInfo("Asia/Shanghai")
    except (ImportError, LookupError):  # no time zone database: Shanghai is UTC+8 since 1991
        zone = dt.timezone(dt.timedelta(hours=8))
    text = t.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    return text + ("（北京时间）" if lang == "zh" else " (Beijing time)")


#: parameters whose values are codes of a family of labels, said by their label
#: (an inspection outcome "rectify" reads 责令整改; a discipline "medical" 医学, lists too)
CODED_PARAMS = {"outcome": "outcome.", "discipline": "code.discipline.",
                "disciplines": "code.discipline.", "needs": "code.discipline.",
                "covered": "code.discipline."}

#: the solvers' names of their stages, by how they begin (the longest first), and the
#: label each is said by: "calendar 2" is the calendar's second part, "polish topics" a
#: step of the improvement, "teams (shortlists of 12), at the floor" the roster's teams
STAGE_PREFIXES = (
    ("days and teams", "stage.days_teams"), ("random priority", "stage.priority"),
    ("uniqueness", "stage.uniqueness"), ("days", "stage.days"), ("teams", "stage.teams"),
    ("calendar", "stage.calendar"), ("polish", "stage.polish"), ("topics", "stage.topics"),
    ("routing", "stage.routing"), ("allocation", "stage.allocation"), ("mclp", "stage.plan"),
    ("lscp", "stage.plan"), ("highs", "stage.plan"), ("plan", "stage.plan"),
    ("baseline", "stage.baseline"), ("tradeoff", "stage.tradeoff"),
    ("explain", "stage.explain"), ("whole", "stage.whole"),
)
_STAGE_PART = re.compile(r"^(?P<name>.*\S)\s+(?P<part>\d+)$")


def stage_label(code: str, lang: Lang = "zh") -> str:
    """A stage of a solve as a planner reads it (the solvers name their stages in codes):
    by the label of the name it begins with, a trailing number its part; a name no label
    begins shows itself (never hidden)."""
    found = _STAGE_PART.match(code)
    name, part = (found["name"], found["part"]) if found else (code, None)
    said = next((label(key, lang) for prefix, key in STAGE_PREFIXES
                 if name == prefix or name.startswith(prefix + " ")), name)
    return said if part is None else message("stage.part", {"stage": said, "part": part}, lang)

#: walking distances under this many meters are said as "under 50" (a community served
#: where it is: "平均步行 0 米" reads as an error)
NEAR_M = 50
WALK_PARAMS = ("walk_m", "alternative_walk_m")


def _param(key: str, v: Any, lang: Lang) -> str:
    if key in ("stage", "stages") and isinstance(v, str | list | tuple):
        return _value(stage_label(v, lang) if isinstance(v, str)
                      else [stage_label(str(x), lang) for x in v], lang)
    family = CODED_PARAMS.get(key)
    if family and isinstance(v, str) and family + v in CATALOGUE:
        return CATALOGUE[family + v][0 if lang == "zh" else 1]
    if family and isinstance(v, list | tuple) and all(
            isinstance(x, str) and family + x in CATALOGUE for x in v):
        return _value([CATALOGUE[family + x][0 if lang == "zh" else 1] for x in v], lang)
    if key in WALK_PARAMS and isinstance(v, int | float) and not isinstance(v, bool) \
            and v < NEAR_M:
        return f"不到 {NEAR_M}" if lang == "zh" else f"under {NEAR_M}"
    return _value(v, lang)


class _Params(dict):
    def __init__(self, params: Mapping[str, Any], lang: Lang):
        super().__init__({k: _param(k, v, lang) for k, v in params.items()})

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(code: str, params: Mapping[str, Any] | None = None, lang: Lang = "zh") -> str:
    """The sentence of a code, filled in; an unknown code shows itself and its
    parameters (never an error: a missing translation must not hide a finding)."""
    params = params or {}
    pair = CATALOGUE.get(code)
    if pair is None:  # perhaps a planner registered since
        load_planners()
        pair = CATALOGUE.get(code)
    if pair is None:
        rest = ", ".join(f"{k}={_value(v, lang)}" for k, v in params.items())
        return f"{code} ({rest})" if rest else code
    template = pair[0] if lang == "zh" else pair[1]
    return template.format_map(_Params(params, lang))


def render(finding: Finding, lang: Lang = "zh") -> str:
    """A finding's sentence; a problem of a table as a finding (``Problem.as_finding``:
    an ``input.*`` code with its ``file``) is said as :func:`render_problem` says it, with
    its file, sheet, row and column."""
    params = finding.params
    if finding.code.startswith("input.") and "file" in params:
        rest = {k: v for k, v in params.items() if k not in ("file", "row", "column")}
        return render_problem(Problem(
            str(params["file"]), message(finding.code, rest, "en"), params.get("row"),
            params.get("column"), code=finding.code, params=rest), lang)
    return message(finding.code, params, lang)


def label(code: str, lang: Lang = "zh") -> str:
    """A name (a soft goal, a target, a status, a stage): the template without params."""
    return message(code, None, lang)


def goal_sense(plan_kind: str, code: str, weight: float) -> str:
    """How a soft goal reads: ``more`` (a reward of a maximised objective: the more the
    better) or ``less`` (a penalty: the less the better)."""
    return "more" if registry.maximises(plan_kind) and weight > 0 else "less"


def goal_figures(kind: str, code: str, value: float, weight: float,
                 lang: Lang = "zh") -> dict[str, str]:
    """One soft goal as every face shows it: its label (with how it reads: 越多越好 /
    越少越好), its value, its weight (always positive), and what it adds to the objective
    (a penalty of a maximised objective is a negative cost)."""
    sense = goal_sense(kind, code, weight)
    cost = value * weight
    name = label(code, lang)
    hint = label(f"plan.sense.{sense}", lang)
    if "越" not in name and "better" not in name:
        name = f"{name}（{hint}）" if lang == "zh" else f"{name} ({hint})"
    return {"code": code, "label": name, "sense": sense, "value": number(value),
            "weight": number(abs(weight)), "cost": number(cost),
            "line": message("plan.goal_penalty" if cost < 0 else "plan.goal_cost",
                            {"value": number(value), "weight": number(abs(weight)),
                             "cost": number(cost)}, lang)}


def plan_figures(result: Mapping[str, Any], lang: Lang = "zh") -> dict[str, Any]:
    """A plan's status, objective, bound, gap and goal costs as every face shows them
    (the command line, summary.txt, the workbooks' 说明 sheet, the API's rendered plan):
    ``result`` is ``Plan.as_dict()`` (or the stored JSON)."""
    kind = str(result.get("kind", ""))
    maximise = registry.maximises(kind)
    status = str(result.get("status", ""))
    gap = result.get("gap")
    goals = [goal_figures(kind, g["code"], float(g["value"]), float(g["weight"]), lang)
             for g in result.get("soft_goals", ())]
    code = "plan.figures_max" if maximise else "plan.figures"
    obj, bound = result.get("objective"), result.get("bound")
    return {
        "status": label(f"status.{status}", lang),
        "objective": number(obj),
        "bound": number(bound),
        "bound_label": label("plan.bound_upper" if maximise else "plan.bound_lower",
                             lang),
        "gap": percent(gap),
        "line": message(code, {"objective": number(obj), "bound": number(bound),
                               "gap": percent(gap)}, lang) if obj is not None else "",
        "goals": goals,
        "targets": [target_figures(t, lang) for t in result.get("targets", ())],
    }


def target_figures(target: Mapping[str, Any], lang: Lang = "zh") -> dict[str, Any]:
    """A target as every face shows it: its label, goal and achieved written as numbers
    are everywhere, a share as a percentage (97%, not 0.97)."""
    show = percent if target.get("unit") == "share" else number
    goal, achieved, met = show(target["goal"]), show(target["achieved"]), bool(target["met"])
    mark = label("plan.target_met" if met else "plan.target_unmet", lang)
    low, high = target.get("low"), target.get("high")
    band = f"{show(low)}–{show(high)}" if low is not None and high is not None else ""
    line = (message("plan.target_line_band", {"goal": goal, "low": show(low),
                                              "high": show(high), "achieved": achieved,
                                              "mark": mark}, lang) if band else
            message("plan.target_line", {"goal": goal, "achieved": achieved, "mark": mark},
                    lang))
    return {"code": target["code"], "label": label(target["code"], lang),
            "goal": goal, "achieved": achieved, "met": met, "band": band, "line": line}


def describe(plan: Plan, lang: Lang = "zh") -> str:
    """A plan in a few lines for people: status, objective, bound and gap, time, targets,
    soft goals (what each cost) and findings. The command line prints it; summary.txt
    holds it."""
    zh = lang == "zh"
    kind = label(f"{plan.kind}.name", lang)
    fig = plan_figures(plan.as_dict(), lang)
    lines = [f"{kind}：{fig['status']}" if zh else f"{kind}: {fig['status']}"]
    if plan.objective is not None:
        lines.append(f"  {fig['line']}，用时 {plan.seconds:.1f} 秒" if zh
                     else f"  {fig['line']}, {plan.seconds:.1f} s")
    if plan.targets:
        lines.append("  目标完成情况：" if zh else "  Targets:")
        for t in fig["targets"]:
            lines.append(f"    - {t['label']}：{t['line']}" if zh
                         else f"    - {t['label']}: {t['line']}")
    if fig["goals"]:
        lines.append("  软目标（数值 × 权重 = 计入目标值）：" if zh
                     else "  Soft goals (value × weight = added to the objective):")
        for g in fig["goals"]:
            lines.append(f"    - {g['label']}：{g['line']}" if zh
                         else f"    - {g['label']}: {g['line']}")
    if plan.findings:
        lines.append("  说明：" if zh else "  Notes:")
        for f in plan.findings:
            lines.append(f"    - [{label(f'severity.{f.severity}', lang)}] {render(f, lang)}")
    return "\n".join(lines)


def _expected(p: Problem, lang: Lang) -> str | None:
    kind = p.params.get("kind") if p.params else None
    if kind is None:
        return p.expected if lang == "en" or not p.code else None
    text = message(f"input.kind.{kind}", {"choices": list(p.params.get("choices") or [])}, lang)
    lo, hi = p.params.get("min"), p.params.get("max")
    if kind in ("int", "float") and (lo is not None or hi is not None):
        code = ("input.range" if lo is not None and hi is not None
                else "input.at_least" if lo is not None else "input.at_most")
        text += message(code, {"min": lo, "max": hi}, lang)
    return text


def _named(p: Problem, lang: Lang) -> set[str]:
    """The values the sentence of ``p`` already names (so what was found is not said
    twice: a duplicate id, a CRS)."""
    pair = CATALOGUE.get(p.code)
    if pair is None or not p.params:
        return set()
    fields = {f for _, f, _, _ in string.Formatter().parse(pair[0] if lang == "zh" else pair[1])
              if f}
    return {_value(p.params[f], lang) for f in fields if f in p.params}


#: a workbook's sheet as the reader names it: "plan.xlsx, sheet institutions"
_SHEET = re.compile(r"^(.*?\.xlsx), sheet (.*)$", re.IGNORECASE | re.DOTALL)


def source_label(file: str, lang: Lang = "zh") -> str:
    """Where a table came from, in ``lang``: a workbook's sheet is 工作表 in Chinese."""
    m = _SHEET.match(file) if lang == "zh" else None
    return f"{m[1]} 工作表“{m[2]}”" if m else file


def render_problem(p: Problem, lang: Lang = "zh") -> str:
    """One located problem of the input, in Chinese (or English): file, row, column,
    what is wrong, what was expected, what was found."""
    if lang == "en" or not p.code:
        return str(p)
    file = source_label(p.file, lang)
    if f"input.file.{file}" in CATALOGUE:  # not a file's name: the upload, the dataset
        file = label(f"input.file.{file}", lang)
    where = file if p.row is None else message("input.where_row", {"file": file,
                                                                    "row": p.row}, lang)
    if p.column is not None:
        where += message("input.where_column", {"column": p.column}, lang)
    params = p.params
    if isinstance(params.get("sources"), list):  # a table given twice: where each is
        params = {**params, "sources": [source_label(str(x), lang) for x in params["sources"]]}
    text = f"{where}：{message(p.code, params, lang)}"
    expected = _expected(p, lang)
    if expected:
        text += message("input.expected", {"expected": expected}, lang)
    if p.got is not None and p.got not in _named(p, lang):
        text += message("input.got", {"got": p.got}, lang)
    return text


def render_data_error(err: DataError, lang: Lang = "zh", limit: int = 50) -> str:
    """Every problem of the input (at most ``limit``, then how many more), in ``lang``."""
    n = len(err.problems)
    head = message("input.head_one" if n == 1 else "input.head_many", {"n": n}, lang)
    lines = [f"  - {render_problem(p, lang)}" for p in err.problems[:limit]]
    if n > limit:
        lines.append("  " + message("input.more", {"n": n - limit}, lang))
    return "\n".join([head, *lines])
