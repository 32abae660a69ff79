"""Writing a roster plan: ``roster.csv`` (the contract), a Chinese Excel workbook,
``draw.json`` (the audit record) and ``summary.txt``; and the summary a planner reads,
rendered from the :class:`~tuoyu.planning.plan.Plan` in Chinese or English."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

from tuoyu.api.exports.audit import draw_record_of
from tuoyu.api.exports.workbook import Book, Title, csv_text, replace_strings, yes_no
from tuoyu.api.text import CATALOGUE, Lang, describe, label, message, plan_figures, render
from tuoyu.models.calendar import month_bounds
from tuoyu.models.findings import Finding
from tuoyu.planning.plan import Plan
from tuoyu.planning.roster import RosterDetail, draw_reason

WEEKDAY_ZH = "一二三四五六日"
FILES = ("roster.csv", "roster.xlsx", "draw.json", "summary.txt")


def _note(note: Finding | None, lang: Lang) -> str:
    return "" if note is None else render(note, lang)


def write_roster_csv(plan: Plan, path: Path, lang: Lang = "zh") -> None:
    """The contract's columns, plus the note of each visit (in ``lang``, Chinese by
    default); UTF-8 with the BOM Excel expects."""
    detail: RosterDetail = plan.detail
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(["date", "institution_id", "street_id", "inspector_ids", "reason", "note"])
        for r in detail.result.rows:
            w.writerow(
                [
                    r.date.isoformat(),
                    r.institution_id,
                    r.street_id,
                    ";".join(r.inspector_ids),
                    r.reason,
                    csv_text(_note(r.note, lang)),  # a sentence, never a formula
                ]
            )


def codes(family: str, value: str | tuple[str, ...] | list[str], lang: Lang = "zh") -> str:
    """A code (or a list of codes) of the contract's tables as a planner reads it:
    ``high`` → 高, ``safety;hygiene`` → 安全防控、卫生保健 (an unknown code shows as is)."""
    items = value.split(";") if isinstance(value, str) else list(value)
    sep = "、" if lang == "zh" else ", "
    return sep.join(label(f"code.{family}.{v}", lang) if f"code.{family}.{v}" in CATALOGUE
                    else v for v in items if v)


def _weekday(d: dt.date) -> str:
    return "周" + WEEKDAY_ZH[d.weekday()]


def _by_day(detail: RosterDetail) -> tuple[list[str], list[list[object]]]:
    data = detail.data
    inst = {i.institution_id: i for i in data.institutions}
    insp = {i.inspector_id: i for i in data.inspectors}
    street = {s.street_id: s.name for s in data.streets}
    header = ["日期", "星期", "机构编号", "机构名称", "街镇", "风险等级", "检查人员", "人员编号",
              "部门", "抽取方式", "说明"]
    rows: list[list[object]] = [
        [r.date.isoformat(), _weekday(r.date), r.institution_id, inst[r.institution_id].name,
         street.get(r.street_id, r.street_id), codes("risk", inst[r.institution_id].risk),
         "、".join(insp[i].name for i in r.inspector_ids), "、".join(r.inspector_ids),
         "、".join(sorted({codes("department", insp[i].department)
                          for i in r.inspector_ids})),
         label(f"roster.reason.{r.reason}"), _note(r.note, "zh")]
        for r in detail.result.rows
    ]
    return header, rows


TEAM_DAY_HEADER = ["序号", "机构编号", "机构名称", "街镇", "类型", "风险等级", "抽取方式", "说明",
                   "到达时间", "检查结果", "签名"]


def team_days(detail: RosterDetail) -> list[tuple[str, list[list[object]]]]:
    """One block per inspector team's day (the sheet they carry): a heading with the
    date and the team, and the institutions of the day, with blank columns for the
    time, the outcome and the signatures."""
    data = detail.data
    inst = {i.institution_id: i for i in data.institutions}
    insp = {i.inspector_id: i for i in data.inspectors}
    street = {s.street_id: s.name for s in data.streets}
    days: dict[tuple[dt.date, tuple[str, ...]], list] = {}
    for r in sorted(detail.result.rows, key=lambda r: (r.date, r.inspector_ids)):
        days.setdefault((r.date, tuple(r.inspector_ids)), []).append(r)
    out = []
    for (day, team), visits in days.items():
        people = "、".join(f"{insp[i].name}（{codes('department', insp[i].department)}）"
                          for i in team)
        heading = f"{day.isoformat()} {_weekday(day)} · 检查组：{people} · 共 {len(visits)} 家"
        rows: list[list[object]] = [
            [n, r.institution_id, inst[r.institution_id].name,
             street.get(r.street_id, r.street_id),
             codes("institution_kind", inst[r.institution_id].kind),
             codes("risk", inst[r.institution_id].risk), label(f"roster.reason.{r.reason}"),
             _note(r.note, "zh"), "", "", ""]
            for n, r in enumerate(visits, start=1)
        ]
        out.append((heading, rows))
    return out


def _by_person(detail: RosterDetail) -> tuple[list[str], list[list[object]]]:
    inst = {i.institution_id: i for i in detail.data.institutions}
    rows, p = detail.result.rows, detail.result.problem
    out: list[list[object]] = []
    for i in sorted(detail.data.inspectors, key=lambda x: x.inspector_id):
        mine = [r for r in rows if i.inspector_id in r.inspector_ids]
        out.append([
            i.inspector_id, i.name, codes("department", i.department), codes("skill", i.skills),
            len(mine),
            i.max_per_month, len(p.available[i.inspector_id]),
            "；".join(f"{r.date.month}/{r.date.day} {inst[r.institution_id].name}" for r in mine),
        ])
    return (["人员编号", "姓名", "部门", "专长", "本月检查数", "每月上限", "可出勤天数", "安排"],
            out)


def _draw(detail: RosterDetail) -> tuple[list[str], list[list[object]]]:
    inst = {i.institution_id: i for i in detail.data.institutions}
    return (["顺序", "机构编号", "机构名称", "权重", "随机键", "是否抽中"],
            [[n + 1, e.institution_id, inst[e.institution_id].name, e.weight, str(e.key),
              yes_no(e.drawn)]
             for n, e in enumerate(detail.result.problem.draw)])


def _coverage(detail: RosterDetail) -> tuple[list[str], list[list[object]]]:
    street = {s.street_id: s.name for s in detail.data.streets}
    year = detail.result.problem.year
    return (["机构编号", "机构名称", "街镇", "风险等级", f"{year}年最近一次实地检查", "已覆盖"],
            [[i.institution_id, i.name, street.get(i.street_id, ""), codes("risk", i.risk),
              detail.covered.get(i.institution_id, ""),
              yes_no(i.institution_id in detail.covered)]
             for i in sorted(detail.data.institutions, key=lambda x: x.institution_id)
             if i.active])


def figure_notes(plan: Plan, lang: Lang = "zh") -> list[tuple[str, str]]:
    """The plan's figures as the 说明 sheets of every workbook list them (the same
    words and rounding as the command line and the pages: ``plan_figures``)."""
    fig = plan_figures(plan.as_dict(), lang)
    out = [("求解状态", fig["status"])]
    if plan.objective is not None:
        out += [("目标值", fig["objective"]), (fig["bound_label"], fig["bound"]),
                ("差距", fig["gap"])]
    out += [(f"目标：{t['label']}", t["line"]) for t in fig["targets"]]
    for g in fig["goals"]:
        out.append((f"软目标：{g['label']}", g["line"]))
    return out


def _notes(plan: Plan, state: str) -> list[tuple[str, str]]:
    detail: RosterDetail = plan.detail
    p = detail.result.problem
    notes = [
        ("区", plan.district or "—"),
        ("月份", _period(p.year, p.month)),
        ("随机种子", str(p.seed)),
        ("唯一最优", yes_no(detail.result.unique)),
        ("状态", STATE_NOTE.get(state, label(f"roster.state.{state}"))),
        ("本月此前抽取", "；".join(f"第 {e.get('draw')} 次 种子 {e.get('seed')} {e.get('time')}"
                                  f"（{label('roster.state.' + str(e.get('status')))}）"
                                  for e in detail.earlier_draws) or "无"),
    ]
    reason = draw_reason(plan.params)
    if reason:
        notes.append(("重新抽取理由", reason))
    for reason, n in sorted(Counter(r["reason"] for r in plan.rows).items()):
        notes.append((f"检查数：{label(f'roster.reason.{reason}')}", str(n)))
    notes += figure_notes(plan)
    for f in plan.findings:
        notes.append((label(f"severity.{f.severity}"), render(f, "zh")))
    return notes


#: the 说明 sheet's words for the roster's state
STATE_NOTE = {"draft": "草稿（发布后计入以后各月的检查历史）",
              "published": "已发布（计入以后各月的检查历史）"}


def _period(year: int, month: int) -> str:
    return f"{year}年{month}月"


def roster_title(plan: Plan, state: str = "draft") -> Title:
    """The title of every printed page of a roster: district, plan, month, state."""
    p = plan.detail.result.problem
    return Title(district=plan.district, plan=label("roster.name"),
                 period=_period(p.year, p.month), state=label(f"roster.state.{state}"))


def write_roster_xlsx(plan: Plan, path: Path, state: str = "draft") -> None:
    """按日期, 检查组每日单 (one printed page per team's day), 按检查人员, 抽取记录,
    年度覆盖, 说明 — the sheets a planner opens and prints; ``state`` as stored (a
    roster is written as a draft; :func:`stamp_state` re-labels a published one)."""
    detail: RosterDetail = plan.detail
    book = Book(path, roster_title(plan, state))
    book.table("按日期", *_by_day(detail))
    n = len(TEAM_DAY_HEADER)  # the last three columns are filled in by hand on site
    book.blocks("检查组每日单", TEAM_DAY_HEADER, team_days(detail),
                min_widths={n - 3: 12, n - 2: 16, n - 1: 16}, row_height=36)
    book.table("按检查人员", *_by_person(detail))
    book.table("抽取记录", *_draw(detail))
    book.table("年度覆盖", *_coverage(detail))
    book.table("说明", ["项目", "内容"], [list(r) for r in _notes(plan, state)], cap=90,
               filter=False)
    book.close()


def stamp_state(xlsx: bytes, state: str) -> bytes:
    """A roster.xlsx written as a draft, re-labelled with the ``state`` the store holds
    (已发布, 已撤回…): the titles of its printed pages and its 说明 sheet."""
    new = label(f"roster.state.{state}")
    pairs = [(f"（{label('roster.state.draft')}）", f"（{new}）"),
             (STATE_NOTE["draft"], STATE_NOTE.get(state, new))]
    return replace_strings(xlsx, pairs)


def write_draw_json(plan: Plan, path: Path) -> dict:
    """The audit record; returned too (the store keeps it)."""
    record = draw_record_of(plan)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return record


def summary(plan: Plan, lang: Lang = "zh") -> str:
    """The roster in a planner's words: the month at a glance (inspections, days, teams,
    why each institution is on it, a unique optimum or not), then the plan as every
    planner's plan is described (status, targets, soft goals, findings)."""
    detail: RosterDetail = plan.detail
    p = detail.result.problem
    rows = plan.rows
    teams = [str(r["inspector_ids"]).split(";") for r in rows]
    counts = Counter(str(r["reason"]) for r in rows)
    sep = "，" if lang == "zh" else ", "
    reasons = sep.join(
        f"{label(f'roster.reason.{k}', lang)} {v}" for k, v in sorted(counts.items())
    )
    head = {
        "month": p.month_label,
        "seed": str(p.seed),
        "inspections": len(rows),
        "days_used": len({r["date"] for r in rows}),
        "days": len(detail.data.calendar.workdays(*month_bounds(p.year, p.month))),
        "visits": sum(len(t) for t in teams),
        "inspectors": len({i for t in teams for i in t}),
    }
    return "\n".join(
        [
            message("roster.summary.head", head, lang),
            message("roster.summary.reasons", {"reasons": reasons}, lang),
            message("roster.summary.unique", {"unique": detail.result.unique}, lang),
            describe(plan, lang),
        ]
    )


def write_plan(plan: Plan, folder: Path, lang: Lang = "zh") -> None:
    """Write the four files of a roster into ``folder``: roster.csv, draw.json,
    roster.xlsx, summary.txt."""
    write_roster_csv(plan, folder / "roster.csv", lang)
    write_draw_json(plan, folder / "draw.json")
    write_roster_xlsx(plan, folder / "roster.xlsx")
    (folder / "summary.txt").write_text(summary(plan, lang) + "\n", encoding="utf-8")
