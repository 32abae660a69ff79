"""Why a parameter was refused, in Chinese first: pydantic's errors said by their type.

The parameters (:mod:`tuoyu.planning.params`) are checked by pydantic, whose messages
are English sentences. Each error also carries a ``type`` and a ``ctx`` of values
(the bound, the choices); they are said here from this catalogue instead. The rules
of our own validators raise :class:`pydantic_core.PydanticCustomError` with a type
``tuoyu_…`` named here, so they are said the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tuoyu.planning.registry import kinds

#: pydantic error type -> (zh, en); ``{ge}``, ``{le}``, … come from the error's ctx
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("缺少此项", "required"),
    "extra_forbidden": ("没有这个参数", "there is no such parameter"),
    "int_parsing": ("应为整数", "expected a whole number"),
    "int_type": ("应为整数", "expected a whole number"),
    "int_from_float": ("应为整数（不能有小数）", "expected a whole number (no fraction)"),
    "int_parsing_size": ("应为整数，且不能这么大", "expected a whole number, not this large"),
    "finite_number": ("应为有限的数字（不能是无穷大或 NaN）",
                      "expected a finite number (not infinity or NaN)"),
    "string_pattern_mismatch": ("格式不对", "not in the expected form"),
    "float_parsing": ("应为数字", "expected a number"),
    "float_type": ("应为数字", "expected a number"),
    "bool_parsing": ("应为“是/否”（true/false）", "expected true or false"),
    "bool_type": ("应为“是/否”（true/false）", "expected true or false"),
    "string_type": ("应为文字", "expected text"),
    "string_too_long": ("太长：最多 {max_length} 个字符", "too long: at most {max_length} "
                        "characters"),
    "string_too_short": ("太短：至少 {min_length} 个字符", "too short: at least {min_length} "
                         "characters"),
    "greater_than": ("应大于 {gt}", "expected more than {gt}"),
    "greater_than_equal": ("应不小于 {ge}", "expected at least {ge}"),
    "less_than": ("应小于 {lt}", "expected less than {lt}"),
    "less_than_equal": ("应不大于 {le}", "expected at most {le}"),
    "literal_error": ("应为以下之一：{expected}", "expected one of: {expected}"),
    "enum": ("应为以下之一：{expected}", "expected one of: {expected}"),
    "date_from_datetime_parsing": ("应为日期，如 2027-05-17", "expected a date, e.g. 2027-05-17"),
    "date_parsing": ("应为日期，如 2027-05-17", "expected a date, e.g. 2027-05-17"),
    "date_type": ("应为日期，如 2027-05-17", "expected a date, e.g. 2027-05-17"),
    "tuple_type": ("应为一组值", "expected a list of values"),
    "list_type": ("应为一组值", "expected a list of values"),
    "too_long": ("太多：最多 {max_length} 个", "too many: at most {max_length}"),
    "too_short": ("太少：至少 {min_length} 个", "too few: at least {min_length}"),
    "dict_type": ("应为一个对象（键和值）", "expected an object (keys and values)"),
    "model_type": ("应为一个对象（键和值）", "expected an object (keys and values)"),
    "union_tag_invalid": ("任务类型应为以下之一：{expected_tags}",
                          "the kind must be one of: {expected_tags}"),
    "union_tag_not_found": ("缺少任务类型（kind）", "the kind is missing"),
    "json_invalid": ("不是有效的 JSON", "not valid JSON"),
    # the rules of tuoyu.planning.params
    "tuoyu_month": ("应为月份 YYYY-MM，在 2000-01 到 2100-12 之间，如 2027-03",
                    "expected a month YYYY-MM between 2000-01 and 2100-12, e.g. 2027-03"),
    "tuoyu_date_in_month": ("日期 {date} 不在所规划的月份 {month} 内",
                            "the date {date} is not in the month {month}"),
    "tuoyu_date_in_year": ("日期 {date} 不在所规划的年份 {year} 内",
                           "the date {date} is not in the year {year}"),
    "tuoyu_monday": ("应为一周的周一，如 2027-03-01", "expected a Monday, e.g. 2027-03-01"),
    "tuoyu_date_in_week": ("日期 {date} 不在所规划的一周（{week} 起）内",
                           "the date {date} is not in the week of {week}"),
    "tuoyu_range": ("应为一个范围，如 2027-2029 或 5-8", "expected a range like 2027-2029 or 5-8"),
    "tuoyu_years": ("应为“起始年-结束年”，起始不晚于结束，在 2000–2100 之间，最多 10 年",
                    "expected first-last, first <= last, within 2000-2100, at most 10 years"),
    "tuoyu_classes": ("应为“最少-最多”，0 ≤ 最少 ≤ 最多 ≤ 200",
                      "expected min-max with 0 <= min <= max <= 200"),
    "tuoyu_tradeoff": ("应为“起-止”，0 ≤ 起 ≤ 止 ≤ 200，最多 51 个值，如 0-12",
                       "expected first-last with 0 <= first <= last <= 200, at most 51 "
                       "values, e.g. 0-12"),
    "tuoyu_pin": ("“{item}”不是地点编号，应为“编号”或“编号@年份”，如 K012@2028",
                  "'{item}': expected a place id or ID@YEAR, e.g. K012@2028"),
    "tuoyu_place": ("“{item}”不是地点编号，如 K045", "'{item}': expected a place id, e.g. K045"),
    "tuoyu_bad_text": ("文字中有不允许的字符 {char}（换行、制表符等控制字符、改变文字方向的字符"
                       "或零宽度等不可见字符）",
                       "the text holds a character that is not allowed, {char} (a line "
                       "break, a control, direction or invisible character)"),
    "tuoyu_place_twice": ("“{item}”出现了两次：每个地点只写一次",
                          "'{item}' is given twice: each place once"),
}

FIELDS: dict[str, tuple[str, str]] = {
    "month": ("月份", "month"),
    "seed": ("随机种子", "seed"),
    "draw_share": ("抽查比例", "draw share"),
    "min_team": ("每组最少人数", "inspectors per team"),
    "redraw_reason": ("重新抽取的理由", "reason of the redraw"),
    "from_date": ("重新规划的起始日期", "re-plan from"),
    "time_limit": ("求解时限（秒）", "time limit (s)"),
    "workers": ("求解线程数", "solver workers"),
    "wall_limit": ("墙钟时间上限（秒）", "wall-clock ceiling (s)"),
    "class_fill": ("新班最低满班比例", "least fill of a new class"),
    "week": ("计划周（周一）", "week (its Monday)"),
    "iterations": ("路线搜索迭代次数", "routing iterations"),
    "window_days": ("登记后须上门的天数", "days to visit after registration"),
    "min_age_days": ("最早上门的出生天数", "least age of the child in days"),
    "visit_minutes": ("每次上门时长（分钟）", "visit length (min)"),
    "far_minutes": ("远途上门的分钟数（离驻点）", "minutes from the base that make a visit far"),
    "pairs": ("两人小组", "two-person teams"),
    "year": ("年份", "year"),
    "reproducible": ("可复现", "reproducible"),
    "years": ("规划年份", "years"),
    "classes_per_year": ("每年新增班数", "classes a year"),
    "model": ("模型", "model"),
    "seats_per_class": ("每班托位数", "seats per class"),
    "speed_kmh": ("步行速度（公里/小时）", "walking speed (km/h)"),
    "radius_m": ("服务半径（米）", "radius (m)"),
    "circuity": ("绕行系数", "circuity"),
    "take_up": ("入托需求比例", "take-up"),
    "trend": ("出生人数年变化", "yearly change of births"),
    "p": ("选址数量 p", "p"),
    "strict": ("严格模式", "strict"),
    "use_network": ("使用步行路网", "use the walking network"),
    "pinned": ("指定开设的地点", "pinned places"),
    "forbidden": ("禁止开设的地点", "forbidden places"),
    "tradeoff": ("权衡范围", "trade-off"),
    "kind": ("任务类型", "kind"),
    "page": ("页码", "page"),
    "source": ("随机数来源", "seed source"),
    "lottery_name": ("彩票名称", "lottery"),
    "lottery_date": ("开奖日期", "lottery date"),
    "numbers": ("开奖号码", "lottery numbers"),
    "drand": ("drand 轮次", "drand round"),
    "name": ("名称", "name"),
    "role": ("角色", "role"),
    "params": ("参数", "parameters"),
    "file": ("上传的文件", "the uploaded file"),
}

#: a parameter whose meaning is a planner's own, named for that planner (``FIELDS`` names
#: it for the others): siting's ``speed_kmh`` is a walk to a place, the home visits' the
#: staff's journey door to door by any mode
PLANNER_FIELDS: dict[tuple[str, str], tuple[str, str]] = {
    ("visits", "speed_kmh"): ("上门路上的速度（公里/小时，门到门）",
                              "travel speed door to door (km/h)"),
}

#: the rules checked on the whole parameters, and the parameter each is about
RULE_FIELDS = {"tuoyu_years": "years", "tuoyu_classes": "classes_per_year",
               "tuoyu_tradeoff": "tradeoff", "tuoyu_date_in_month": "from_date",
               "tuoyu_date_in_year": "from_date", "tuoyu_date_in_week": "from_date"}


def _fill(template: str, ctx: Mapping[str, Any]) -> str:
    class _Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template.format_map(_Keep({k: str(v) for k, v in ctx.items()}))


def reason(error: Mapping[str, Any], lang: str = "zh") -> str:
    """What is wrong with one value, from a pydantic error dict (``exc.errors()``)."""
    pair = MESSAGES.get(str(error.get("type", "")))
    if pair is None:  # a type we have not named: pydantic's own (English) words
        return str(error.get("msg", ""))
    ctx = dict(error.get("ctx") or {})
    if lang == "zh" and isinstance(ctx.get("expected"), str):  # pydantic's "'a', 'b' or 'c'"
        ctx["expected"] = "、".join(re.findall(r"'([^']*)'", ctx["expected"])) or ctx["expected"]
    return _fill(pair[0] if lang == "zh" else pair[1], ctx)


def where(error: Mapping[str, Any], lang: str = "zh", kind: str | None = None) -> str:
    """The parameter an error is about, named as a planner reads it, with its key; named
    for the planner (``kind``, else the union member its place names) where its meaning is
    the planner's own (:data:`PLANNER_FIELDS`)."""
    loc = [str(x) for x in error.get("loc", ()) if not isinstance(x, int)]
    kind = kind or next((x for x in loc if x in kinds()), None)
    # where in the request (body, query, path) and a union's member (its kind): not named
    loc = [x for x in loc if x not in ("body", "query", "path") and x not in kinds()]
    if str(error.get("type")) in RULE_FIELDS:  # a rule of the whole: name its parameter
        loc = [*loc, RULE_FIELDS[str(error.get("type"))]]
    if not loc:
        return FIELDS["params"][0 if lang == "zh" else 1]
    key = loc[-1]
    name = PLANNER_FIELDS.get((kind or "", key)) or FIELDS.get(key)
    if name is None:
        return ".".join(loc)
    if lang == "zh":
        return f"{name[0]}（{key}）"
    return key if name[1] == key else f"{name[1]} ({key})"


def got(error: Mapping[str, Any], limit: int = 100) -> str | None:
    """The value that was given, shortened (never a whole body)."""
    if str(error.get("type")) in ("missing", "model_type", "dict_type", "tuoyu_pin",
                                  "tuoyu_place", "tuoyu_place_twice", "too_long"):
        return None
    value = error.get("input")
    if value is None or isinstance(value, dict):
        return None
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sentence(error: Mapping[str, Any], lang: str = "zh", kind: str | None = None) -> str:
    """One refused value as a whole sentence: which parameter (of the planner ``kind``),
    why, what was given."""
    text = f"{where(error, lang, kind)}：{reason(error, lang)}" if lang == "zh" else \
        f"{where(error, lang, kind)}: {reason(error, lang)}"
    value = got(error)
    if value is not None:
        text += f"，实际为“{value}”" if lang == "zh" else f", got '{value}'"
    return text
