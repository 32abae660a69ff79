"""Writing a roster plan: ``roster.csv`` (the contract), a Chinese Excel workbook,
``draw.json`` (the audit record) and ``summary.txt``; and the summary a planner reads,
rendered from the :class:`~tuoyu.planning.plan.Plan` in Chinese or English."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pandas as pd

from tuoyu.api.exports.audit import draw_record_of
from tuoyu.api.exports.workbook import excel_writer
from tuoyu.api.text import Lang, describe, label, message, render
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
                    _note(r.note, lang),
                ]
            )


def _by_day(detail: RosterDetail) -> pd.DataFrame:
    data = detail.data
    inst = {i.institution_id: i for i in data.institutions}
    insp = {i.inspector_id: i for i in data.inspectors}
    street = {s.street_id: s.name for s in data.streets}
    return pd.DataFrame(
        [
            {
                "日期": r.date.isoformat(),
                "星期": "周" + WEEKDAY_ZH[r.date.weekday()],
                "机构编号": r.institution_id,
                "机构名称": inst[r.institution_id].name,
                "街镇": street.get(r.street_id, r.street_id),
                "风险等级": inst[r.institution_id].risk,
                "检查人员": "、".join(insp[i].name for i in r.inspector_ids),
                "人员编号": ";".join(r.inspector_ids),
                "部门": "、".join(sorted({insp[i].department for i in r.inspector_ids})),
                "抽取方式": label(f"roster.reason.{r.reason}"),
                "说明": _note(r.note, "zh"),
            }
            for r in detail.result.rows
        ]
    )


def _by_person(detail: RosterDetail) -> pd.DataFrame:
    inst = {i.institution_id: i for i in detail.data.institutions}
    rows, p = detail.result.rows, detail.result.problem
    out = []
    for i in sorted(detail.data.inspectors, key=lambda x: x.inspector_id):
        mine = [r for r in rows if i.inspector_id in r.inspector_ids]
        out.append(
            {
                "人员编号": i.inspector_id,
                "姓名": i.name,
                "部门": i.department,
                "专长": ";".join(i.skills),
                "本月检查数": len(mine),
                "每月上限": i.max_per_month,
                "可出勤天数": len(p.available[i.inspector_id]),
                "安排": "；".join(
                    f"{r.date.month}/{r.date.day} {inst[r.institution_id].name}" for r in mine
                ),
            }
        )
    return pd.DataFrame(out)


def _draw(detail: RosterDetail) -> pd.DataFrame:
    inst = {i.institution_id: i for i in detail.data.institutions}
    return pd.DataFrame(
        [
            {
                "顺序": n + 1,
                "机构编号": e.institution_id,
                "机构名称": inst[e.institution_id].name,
                "权重": e.weight,
                "随机键": str(e.key),
                "是否抽中": "是" if e.drawn else "否",
            }
            for n, e in enumerate(detail.result.problem.draw)
        ]
    )


def _coverage(detail: RosterDetail) -> pd.DataFrame:
    street = {s.street_id: s.name for s in detail.data.streets}
    year = detail.result.problem.year
    return pd.DataFrame(
        [
            {
                "机构编号": i.institution_id,
                "机构名称": i.name,
                "街镇": street.get(i.street_id, ""),
                "风险等级": i.risk,
                f"{year}年最近一次实地检查": detail.covered.get(i.institution_id, ""),
                "已覆盖": "是" if i.institution_id in detail.covered else "否",
            }
            for i in sorted(detail.data.institutions, key=lambda x: x.institution_id)
            if i.active
        ]
    )


def _notes(plan: Plan) -> pd.DataFrame:
    detail: RosterDetail = plan.detail
    p = detail.result.problem
    notes = [
        ("月份", p.month_label),
        ("随机种子", str(p.seed)),
        ("求解状态", label(f"status.{plan.status}")),
        ("唯一最优", str(detail.result.unique)),
        ("状态", "草稿（发布后计入以后各月的检查历史）"),
        ("本月此前抽取", "；".join(f"第 {e.get('draw')} 次 种子 {e.get('seed')} {e.get('time')}"
                                  f"（{label('roster.state.' + str(e.get('status')))}）"
                                  for e in detail.earlier_draws) or "无"),
    ]
    reason = draw_reason(plan.params)
    if reason:
        notes.append(("重新抽取理由", reason))
    for reason, n in sorted(Counter(r["reason"] for r in plan.rows).items()):
        notes.append((f"检查数：{label(f'roster.reason.{reason}')}", str(n)))
    for t in plan.targets:
        notes.append((f"目标：{label(t.code)}", f"{t.achieved:g} / {t.goal:g}"))
    for g in plan.soft_goals:
        notes.append((f"软目标：{label(g.code)}", f"{g.value} × 权重 {g.weight} = {g.cost}"))
    for f in plan.findings:
        notes.append((label(f"severity.{f.severity}"), render(f, "zh")))
    return pd.DataFrame(notes, columns=["项目", "内容"])


def write_roster_xlsx(plan: Plan, path: Path) -> None:
    """按日期, 按检查人员, 抽取记录, 年度覆盖, 说明 — the sheets a planner opens."""
    detail: RosterDetail = plan.detail
    with excel_writer(path) as xw:
        _by_day(detail).to_excel(xw, sheet_name="按日期", index=False)
        _by_person(detail).to_excel(xw, sheet_name="按检查人员", index=False)
        _draw(detail).to_excel(xw, sheet_name="抽取记录", index=False)
        _coverage(detail).to_excel(xw, sheet_name="年度覆盖", index=False)
        _notes(plan).to_excel(xw, sheet_name="说明", index=False)
        for ws in xw.sheets.values():
            ws.set_column(0, 12, 16)


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
