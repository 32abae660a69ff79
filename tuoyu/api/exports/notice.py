"""The public notice of a month's roster (双随机、一公开): ``notice.html`` (printable,
self-contained, no script; every name inserted as escaped text) and ``notice.xlsx``
(every name kept as text): the institutions drawn, their dates and teams, the outcomes
once recorded, and the seed and fingerprints that let anyone verify the draw
(``tuoyu roster verify draw.json``).

:func:`notice_of` gathers it from the store and the dataset; :func:`write_notice` writes
both files (the command line and the service call it alike).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tuoyu.api import store
from tuoyu.api.exports.workbook import Book, Title
from tuoyu.api.text import Lang, label
from tuoyu.models.inspection import load_inspection_data
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.roster import fingerprint

FILES = ("notice.html", "notice.xlsx")
WEEKDAY = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


@dataclass(frozen=True)
class Notice:
    """What the notice says, in plain data (already in the reader's language)."""

    month: str
    title: str
    facts: tuple[tuple[str, str], ...]  # (label, value): state, seed, fingerprints, …
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # one per inspection
    draws_columns: tuple[str, ...]
    draws: tuple[tuple[str, ...], ...]  # the month's earlier draws
    how_to_verify: str


def _t(code: str, lang: Lang) -> str:
    return label(f"roster.notice.{code}", lang)


def _outcomes(session: Session, dataset: str, month: str) -> dict[tuple[str, str], str]:
    first = dt.date.fromisoformat(month + "-01")
    last = (first + dt.timedelta(days=32)).replace(day=1)
    rows = session.scalars(
        select(store.Outcome).where(
            store.Outcome.dataset == dataset,
            store.Outcome.date >= first,
            store.Outcome.date < last,
        )
    )
    return {(o.institution_id, o.date.isoformat()): o.outcome for o in rows}


def _visit_rows(dataset: Dataset, visits: list[Any], outcomes: dict[tuple[str, str], str],
                lang: Lang) -> list[tuple[str, ...]]:
    data = load_inspection_data(dataset.folder)
    inst = {i.institution_id: i for i in data.institutions}
    insp = {i.inspector_id: i.name for i in data.inspectors}
    street = {s.street_id: s.name for s in data.streets}
    sep = "、" if lang == "zh" else ", "
    out = []
    for v in sorted(visits, key=lambda v: (v.date, v.street_id, v.institution_id)):
        team = [p for p in v.inspector_ids.split(";") if p]
        outcome = outcomes.get((v.institution_id, v.date.isoformat()))
        out.append((
            v.date.isoformat(),
            (("周" if lang == "zh" else "") + WEEKDAY[lang][v.date.weekday()]),
            v.institution_id,
            inst[v.institution_id].name if v.institution_id in inst else "",
            street.get(v.street_id, v.street_id),
            label(f"roster.reason.{v.reason}", lang),
            sep.join(insp.get(p, p) for p in team),
            ";".join(team),
            label(f"roster.outcome.{outcome}", lang) if outcome else _t("not_recorded", lang),
        ))  # fmt: skip
    return out


def notice_of(dataset: Dataset, month: str, engine: Engine, lang: Lang = "zh") -> Notice:
    """The notice of the month's roster in force (the published one, else the newest
    draft, marked so). Raises :class:`store.RosterStateError` (``roster.notice_nothing``)
    when the store has no roster of the month."""
    with Session(engine) as session:
        roster = store.month_roster(session, dataset.key, month)
        if roster is None:
            raise store.NoRosterStored(month=month)
        record = json.loads(roster.draw_json)
        rows = _visit_rows(dataset, list(roster.visits),
                           _outcomes(session, dataset.key, month), lang)  # fmt: skip
        draws = [store.draw_entry(r) for r in store.month_draws(session, dataset.key, month)
                 if r.id != roster.id]  # fmt: skip
        state, published_at = roster.status, roster.published_at
    inputs = record.get("inputs", {})
    facts = [
        (_t("state", lang), label(f"roster.state.{state}", lang)),
        (_t("published_at", lang), published_at.isoformat(timespec="seconds") + "Z"
         if published_at else "—"),
        (_t("seed", lang), str(record.get("seed", ""))),
        (_t("inspections", lang), str(len(rows))),
        (_t("drawn", lang), str(len(record.get("draw", {}).get("drawn", [])))),
        (_t("record_fingerprint", lang), fingerprint(record)),
        (_t("tables_fingerprint", lang), str(inputs.get("tables_fingerprint", ""))),
        (_t("history_fingerprint", lang), str(inputs.get("stored_history_fingerprint", ""))),
        (_t("result_fingerprint", lang), str(record.get("result_fingerprint", ""))),
        (_t("redraw_reason", lang), str(record.get("redraw_reason") or "—")),
        (_t("created_at", lang), str(record.get("created_at", ""))),
    ]  # fmt: skip
    columns = tuple(_t(c, lang) for c in ("date", "weekday", "institution_id", "name", "street",
                                          "reason", "team", "team_ids", "outcome"))
    draws_columns = tuple(_t(c, lang) for c in ("draw", "seed", "time", "fingerprint",
                                                "reason", "state"))
    draw_rows = tuple(
        (str(d["draw"]), str(d["seed"]), str(d["time"] or ""), str(d["fingerprint"] or ""),
         str(d["reason"] or "—"), label(f"roster.state.{d['status']}", lang))
        for d in draws
    )  # fmt: skip
    return Notice(
        month=month,
        title=_t("title", lang).format(month=month),
        facts=tuple(facts),
        columns=columns,
        rows=tuple(rows),
        draws_columns=draws_columns,
        draws=draw_rows,
        how_to_verify=_t("how_to_verify", lang),
    )


CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;
color:#111}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.5em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #888;
padding:.25em .5em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#eee}td.fp{font-family:monospace;word-break:break-all}
@media print{body{margin:1cm}h2{page-break-after:avoid}tr{page-break-inside:avoid}}
"""


def _table(columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str:
    e = html.escape
    head = "".join(f"<th>{e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def notice_html(notice: Notice, lang: Lang = "zh") -> str:
    """The notice as one printable HTML page (inline style, no script, escaped text)."""
    e = html.escape
    facts = "".join(f"<tr><th>{e(k)}</th><td class=\"fp\">{e(v)}</td></tr>"
                    for k, v in notice.facts)  # fmt: skip
    draws = (_table(notice.draws_columns, notice.draws) if notice.draws
             else f"<p>{e(_t('no_earlier', lang))}</p>")  # fmt: skip
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{e(notice.title)}</title><style>{CSS}</style></head>'
        f"<body><h1>{e(notice.title)}</h1>"
        f"<h2>{e(_t('inspections_head', lang))}</h2>{_table(notice.columns, notice.rows)}"
        f"<h2>{e(_t('draw_head', lang))}</h2><table><tbody>{facts}</tbody></table>"
        f"<h2>{e(_t('earlier_head', lang))}</h2>{draws}"
        f"<h2>{e(_t('verify_head', lang))}</h2><p>{e(notice.how_to_verify)}</p>"
        "</body></html>\n"
    )


def notice_xlsx(notice: Notice, path: Path, lang: Lang = "zh") -> None:
    """The notice as a workbook that prints (``workbook.Book``): the inspections, the
    draw's facts, the earlier draws; every page titled with the notice and its state."""
    state = notice.facts[0][1] if notice.facts else ""
    book = Book(path, Title(plan=notice.title, state=state))
    book.table(_t("inspections_head", lang), notice.columns, notice.rows)
    book.table(_t("draw_head", lang), (_t("item", lang), _t("value", lang)), notice.facts,
               cap=90, filter=False)
    book.table(_t("earlier_head", lang), notice.draws_columns, notice.draws, filter=False)
    book.close()


def write_notice(dataset: Dataset, month: str, engine: Engine, folder: Path,
                 lang: Lang = "zh") -> list[str]:
    """Write ``notice.html`` and ``notice.xlsx`` of the month into ``folder``; returns
    their names. Raises :class:`store.RosterStateError` when no roster of the month is
    stored."""
    notice = notice_of(dataset, month, engine, lang)
    (Path(folder) / "notice.html").write_text(notice_html(notice, lang), encoding="utf-8")
    notice_xlsx(notice, Path(folder) / "notice.xlsx", lang)
    return list(FILES)
