"""Writing a roster: ``roster.csv`` (the contract), a Chinese Excel workbook, a summary."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

from tuoyu.models.inspection import InspectionData
from tuoyu.optimizer.roster import REASONS_ZH, RosterPlan

WEEKDAY_ZH = "一二三四五六日"


def write_roster_csv(plan: RosterPlan, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["date", "institution_id", "street_id", "inspector_ids", "reason", "note"])
        for r in plan.rows:
            w.writerow(
                [
                    r.date.isoformat(),
                    r.institution_id,
                    r.street_id,
                    ";".join(r.inspector_ids),
                    r.reason,
                    r.note,
                ]
            )


def write_roster_xlsx(
    plan: RosterPlan, data: InspectionData, path: Path, covered_after: dict[str, str]
) -> None:
    """按日期, 按检查人员, 抽取记录, 年度覆盖, 说明 — the sheets a planner opens."""
    p = plan.problem
    inst = {i.institution_id: i for i in data.institutions}
    insp = {i.inspector_id: i for i in data.inspectors}
    street = {s.street_id: s.name for s in data.streets}
    by_day = pd.DataFrame(
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
                "抽取方式": REASONS_ZH.get(r.reason, r.reason),
                "说明": r.note,
            }
            for r in plan.rows
        ]
    )
    per_person = []
    for i in sorted(data.inspectors, key=lambda x: x.inspector_id):
        mine = [r for r in plan.rows if i.inspector_id in r.inspector_ids]
        per_person.append(
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
    draw = pd.DataFrame(
        [
            {
                "顺序": n + 1,
                "机构编号": e.institution_id,
                "机构名称": inst[e.institution_id].name,
                "权重": e.weight,
                "随机键": str(e.key),
                "是否抽中": "是" if e.drawn else "否",
            }
            for n, e in enumerate(p.draw)
        ]
    )
    coverage = pd.DataFrame(
        [
            {
                "机构编号": i.institution_id,
                "机构名称": i.name,
                "街镇": street.get(i.street_id, ""),
                "风险等级": i.risk,
                f"{p.year}年最近一次实地检查": covered_after.get(i.institution_id, ""),
                "已覆盖": "是" if i.institution_id in covered_after else "否",
            }
            for i in sorted(data.institutions, key=lambda x: x.institution_id)
            if i.active
        ]
    )
    notes = [
        ("月份", f"{p.year}-{p.month:02d}"),
        ("随机种子", str(p.seed)),
        ("求解状态", plan.stats.status),
        ("唯一最优", str(plan.unique)),
    ]
    for reason, n in sorted(Counter(r.reason for r in plan.rows).items()):
        notes.append((f"检查数：{REASONS_ZH.get(reason, reason)}", str(n)))
    for s in plan.soft:
        notes.append((f"软目标：{s.description}", f"{s.value} × 权重 {s.weight} = {s.cost}"))
    for f in plan.findings:
        notes.append(("说明", f))
    with pd.ExcelWriter(path, engine="xlsxwriter") as xw:
        by_day.to_excel(xw, sheet_name="按日期", index=False)
        pd.DataFrame(per_person).to_excel(xw, sheet_name="按检查人员", index=False)
        draw.to_excel(xw, sheet_name="抽取记录", index=False)
        coverage.to_excel(xw, sheet_name="年度覆盖", index=False)
        pd.DataFrame(notes, columns=["项目", "内容"]).to_excel(xw, sheet_name="说明", index=False)
        for ws in xw.sheets.values():
            ws.set_column(0, 12, 16)


def summary(plan: RosterPlan, covered: int, active: int) -> str:
    p = plan.problem
    counts = Counter(r.reason for r in plan.rows)
    load: dict[str, int] = defaultdict(int)
    for r in plan.rows:
        for i in r.inspector_ids:
            load[i] += 1
    lines = [
        f"Roster {p.year}-{p.month:02d} (seed {p.seed}): {len(plan.rows)} inspections on "
        f"{len({r.date for r in plan.rows})} of {len(p.days)} working days, "
        f"{sum(len(r.inspector_ids) for r in plan.rows)} inspector-visits by {len(load)} "
        f"inspectors.",
        "  why: " + ", ".join(f"{REASONS_ZH.get(k, k)} {k} {v}" for k, v in sorted(counts.items())),
        f"  solver: {plan.stats.status}, unique optimum: {plan.unique}, "
        f"{plan.stats.build_seconds + plan.stats.solve_seconds:.1f} s",
        f"  year coverage after this roster: {covered} of {active} active institutions",
        "  soft goals (value × weight = cost):",
    ]
    lines += [f"    {s.description}: {s.value} × {s.weight} = {s.cost}" for s in plan.soft]
    lines += [f"  note: {f}" for f in plan.findings]
    return "\n".join(lines)
