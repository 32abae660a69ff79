"""The audit record of a draw (``draw.json``).

The record holds the seed, a fingerprint of the canonical inputs (the dataset's tables and
the stored history that was used, which it carries in full), the versions, the rules, the
draw itself (every candidate with its weight and hashed key), the resulting roster, the
month's earlier draws (seed, time, fingerprint, reason) and the reason of this one when
the month was published before. ``tuoyu.planning.roster.verify`` recomputes the record
from the same inputs and compares it field by field.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import platform
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ortools

from tuoyu import __version__
from tuoyu.models.findings import Finding, warning
from tuoyu.optimizer.solve import Stop
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.plan import Plan
from tuoyu.planning.roster import (
    METHOD,
    RosterDetail,
    draw_reason,
    fields_differ,
    fingerprint,
    record_body,
)

__all__ = ["METHOD", "StoredDraw", "check_files", "check_store", "draw_record_of",
           "record_fingerprint"]


def draw_record_of(plan: Plan) -> dict[str, Any]:
    """The audit record of a roster plan (its ``detail`` is a :class:`RosterDetail`)."""
    detail: RosterDetail = plan.detail
    from_date = plan.params.get("from_date")
    body = record_body(
        detail.result,
        detail.data,
        detail.history,
        detail.kept,
        dt.date.fromisoformat(from_date) if from_date else None,
    )
    # no folder: the record is public once sealed and revealed, and a folder's path may hold
    # a person's name (C:\Users\<name>\…); the tables' fingerprint names the inputs, and
    # ``tuoyu roster verify`` finds the folder in the store (records before 2026-12-07
    # held ``inputs.data_dir``: they still verify, and the revealed notice withholds it)
    body["solver"]["stages"] = [s.as_dict() for s in plan.stages]
    return {
        **body,
        "versions": {
            "tuoyu": __version__,
            "ortools": ortools.__version__,
            "python": platform.python_version(),
        },
        "official": dict(detail.official) if detail.official is not None else None,
        "earlier_draws": [dict(e) for e in detail.earlier_draws],
        "redraw_reason": draw_reason(plan.params),
        "created_at": detail.made_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def record_fingerprint(record: dict[str, Any]) -> str:
    """The fingerprint of a whole record (as the store and the notice name a draw)."""
    return fingerprint(record)


# ------------------------------------------------- the files and the store against a record


@dataclass(frozen=True)
class StoredDraw:
    """One draw of a month as the store keeps it, read as plain data: the record it keeps
    (``draw_json``, None when it is not JSON), the record's fingerprint it keeps beside
    it, and its visits (the rows later months and the notices read)."""

    seq: int
    status: str
    seed: int
    record: Mapping[str, Any] | None
    record_fingerprint: str | None
    visits: tuple[Mapping[str, Any], ...]


def _row_key(r: Mapping[str, Any]) -> tuple[str, str, str, str, str]:
    team = r["inspector_ids"]
    ids = [p for p in team.split(";") if p] if isinstance(team, str) else list(team)
    return (str(r["date"]), str(r["institution_id"]), str(r["street_id"]), ";".join(ids),
            str(r["reason"]))  # fmt: skip


def rows_differ(recorded: Sequence[Mapping[str, Any]], found: Sequence[Mapping[str, Any]],
                *, code: str, limit: int = 10, **where: Any) -> list[Finding]:
    """Each visit of the record missing from ``found`` (``<code>.missing``), each visit
    found that the record does not hold (``<code>.extra``), as findings (``where`` names
    the file or the store's draw)."""
    a = Counter(_row_key(r) for r in recorded)
    b = Counter(_row_key(r) for r in found)
    out = [warning(f"{code}.missing", **where, date=k[0], institution_id=k[1],
                   inspector_ids=k[3]) for k in sorted((a - b).elements())]  # fmt: skip
    out += [warning(f"{code}.extra", **where, date=k[0], institution_id=k[1],
                    inspector_ids=k[3]) for k in sorted((b - a).elements())]  # fmt: skip
    if len(out) > limit:
        out = [*out[:limit], warning("roster.verify.more_differ", count=len(out) - limit)]
    return out


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


#: the by-day sheet of roster.xlsx: its columns for date, institution, team
XLSX_COLUMNS = {"date": "日期", "institution_id": "机构编号", "inspector_ids": "人员编号"}


def _xlsx_rows(path: Path) -> tuple[list[dict[str, str]], list[Finding]]:
    """The by-day sheet's rows (date, institution, team), and its compared cells that hold
    a formula without a computed value (a workbook a program wrote or edited and no one
    saved in Excel or WPS since), said as the tables' reader says them: such a cell reads
    as blank, which is not what the file holds."""
    import zipfile

    import openpyxl

    from tuoyu.models.reader import formula_cells, formula_problem

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile as exc:  # not a workbook at all: said as unreadable
        raise ValueError(f"not an .xlsx workbook ({exc})") from exc
    try:
        sheet = wb.worksheets[0].title
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()
    # the header row: the first of the sheet's first rows naming every column (a printed
    # workbook has its title row above it)
    found = [(n, at) for n, at in (
        (n, {k: [str(c) for c in row].index(v) for k, v in XLSX_COLUMNS.items()
             if v in [str(c) for c in row]}) for n, row in enumerate(rows[:5]))
        if len(at) == len(XLSX_COLUMNS)]
    if not found:
        raise ValueError("not the by-day sheet of a roster workbook")
    n, at = found[0]
    compared = {i + 1: XLSX_COLUMNS[k] for k, i in at.items()}  # Excel's column -> header
    formulas = [formula_problem(f"{path.name}, sheet {sheet}", f, r, compared[c]).as_finding()
                for (r, c), f in sorted(formula_cells(path, sheet).items())
                if r > n + 1 and c in compared]  # fmt: skip

    def cell(v: Any) -> str:  # a team written for people (JC001、JC002) as the record has it
        return "" if v is None else str(v).replace("、", ";")

    return [{k: cell(r[i]) for k, i in at.items()} for r in rows[n + 1:]], formulas


def check_files(record: Mapping[str, Any], files: Sequence[Path], *, limit: int = 10
                ) -> tuple[list[Finding], list[str], list[str]]:
    """Each file given beside the record, against it: ``roster.csv`` (every visit: date,
    institution, street, team, reason) and ``roster.xlsx`` (its by-day sheet: date,
    institution, team). Returns (the differences, the files checked, the files that
    could not be checked: what tuoyu does not know how to compare, a summary for
    people). A file that cannot be read is said so, and a workbook whose compared cells
    hold formulas without values has those cells named (at most ``limit``), not compared:
    neither is among the files checked."""
    result = list(record.get("result", []))
    findings: list[Finding] = []
    checked: list[str] = []
    unchecked: list[str] = []
    for path in files:
        name = path.name
        try:
            if name.endswith(".csv"):
                rows = _csv_rows(path)
                findings += rows_differ(result, rows, code="roster.verify.file_differs",
                                        file=name)  # fmt: skip
            elif name.endswith(".xlsx"):
                rows, formulas = _xlsx_rows(path)
                if formulas:  # its values are not known: said, not compared
                    findings += formulas[:limit]
                    if len(formulas) > limit:
                        findings.append(warning("roster.verify.more_formulas", file=name,
                                                count=len(formulas) - limit))
                    continue
                want = [{k: _row_key(r)[n] for k, n in (("date", 0), ("institution_id", 1),
                                                         ("inspector_ids", 3))}
                        for r in result]  # fmt: skip
                got = [{k: r[k] for k in ("date", "institution_id", "inspector_ids")}
                       for r in rows]  # fmt: skip
                findings += rows_differ(
                    [{**w, "street_id": "", "reason": ""} for w in want],
                    [{**g, "street_id": "", "reason": ""} for g in got],
                    code="roster.verify.file_differs", file=name)  # fmt: skip
            else:
                unchecked.append(name)
                continue
        except (OSError, KeyError, ValueError, csv.Error) as exc:  # unreadable: said so
            findings.append(warning("roster.verify.file_unreadable", file=name,
                                    reason=str(exc)[:200]))  # fmt: skip
            continue
        checked.append(name)
    return findings, checked, unchecked


def _draw_label(d: StoredDraw) -> str:
    fp = fingerprint(d.record) if d.record is not None else "—"
    return f"#{d.seq} seed {d.seed} {d.status} {fp[:19]}"


def check_store(record: Mapping[str, Any], draws: Sequence[StoredDraw]) -> list[Finding]:
    """The record against the store's draws of its month: the store must hold this very
    record (else: which draws it holds, and how the closest one differs); each stored
    record must still have the fingerprint stored beside it; the stored visits (which
    later months and the notices read) must be the record's roster."""
    month = str(record.get("month"))
    if not draws:
        return [warning("roster.verify.not_in_store", month=month)]
    out: list[Finding] = []
    for d in draws:
        if d.record is None or (d.record_fingerprint is not None
                                and fingerprint(d.record) != d.record_fingerprint):
            out.append(warning("roster.verify.store_record_changed", month=month, draw=d.seq))
    wanted = fingerprint(record)
    mine = [d for d in draws if d.record is not None and fingerprint(d.record) == wanted]
    if mine:
        d = mine[-1]
        out += rows_differ(list(record.get("result", [])), list(d.visits),
                           code="roster.verify.store_visits_differ", draw=d.seq)  # fmt: skip
        return out
    out.append(warning("roster.verify.not_this_store", month=month,
                       draws=[_draw_label(d) for d in draws]))  # fmt: skip
    same = [d for d in draws if d.record is not None and (
        d.record.get("seed"), d.record.get("created_at")) == (
        record.get("seed"), record.get("created_at"))]  # fmt: skip
    closest = (same or [d for d in draws if d.status == "published"]
               or [d for d in draws if d.record is not None])  # fmt: skip
    if closest and closest[-1].record is not None:
        out += fields_differ(closest[-1].record, record, code="roster.verify.store_differs")
    return out


def check_chain(chain: Sequence[Mapping[str, Any]], record: Mapping[str, Any],
                sealed: Mapping[str, Any] | None = None) -> list[Finding]:
    """The dataset's sealed records, in the order sealed (``month``, ``draw``, the stored
    ``hash`` and canonical ``text``): each must still hash to its stored hash, and name
    the one before it as its previous (a changed earlier month breaks every later
    link). An official record published must be in a sealed record of the chain;
    ``sealed``: the sealed record given as the file, which must be one of the chain."""
    out: list[Finding] = []
    previous: Mapping[str, Any] | None = None
    wanted = fingerprint(record)
    holds = False
    for link in chain:
        try:
            envelope = json.loads(str(link["text"]))
        except ValueError:
            envelope = None
        if not isinstance(envelope, dict) or fingerprint(envelope) != link["hash"]:
            out.append(warning("roster.verify.chain_record_changed", month=link["month"],
                               draw=link["draw"]))  # fmt: skip
        elif envelope.get("previous_sealed") != (previous["hash"] if previous else None):
            out.append(warning("roster.verify.chain_broken", month=link["month"],
                               draw=link["draw"],
                               previous_month=previous["month"] if previous else "—"))
        if isinstance(envelope, dict) and fingerprint(envelope.get("record")) == wanted:
            holds = True
        previous = link
    if sealed is not None and (not holds or fingerprint(sealed) not in {
            link["hash"] for link in chain}):
        out.append(warning("roster.verify.sealed_not_in_chain", month=record.get("month"),
                           hash=fingerprint(sealed)))  # fmt: skip
    return out


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: whether everything matches, the differences (findings),
    what was checked against the record and what could not be."""

    matches: bool
    findings: tuple[Finding, ...]
    checked: tuple[str, ...]
    unchecked: tuple[str, ...]
    official: bool = False  # made with a committed seed from a public source


def verify_draw(record: Mapping[str, Any], dataset: Dataset, *,
                draws: Sequence[StoredDraw] | None, files: Sequence[Path] = (),
                chain: Sequence[Mapping[str, Any]] | None = None,
                sealed: Mapping[str, Any] | None = None,
                time_limit: float = 120.0, workers: int = 8,
                stop: Stop | None = None) -> Verdict:
    """Verify a draw record: recompute it from the dataset (:func:`roster.verify`), check
    every file given beside it (:func:`check_files`) and the store's draws of its month
    (:func:`check_store`; ``draws=None``: no store was given, said as not checked). It
    matches only when every check passes; what could not be checked is listed."""
    from tuoyu.planning.commitment import check_official
    from tuoyu.planning.roster import verify

    findings: list[Finding] = []
    official = bool(record.get("official"))
    if official:  # the order, the source's signature, the commitment, the seed: first
        findings += check_official(record)
    _ok, found = verify(record, dataset, time_limit=time_limit, workers=workers, stop=stop)
    findings += found
    file_findings, checked, unchecked = check_files(record, files)
    findings += file_findings
    checked = ["draw.json", *checked]
    if draws is None:
        unchecked.append("store")
    else:
        findings += check_store(record, draws)
        checked.append("store")
    if chain is not None:
        findings += check_chain(chain, record, sealed)
        checked.append("chain")
    return Verdict(not findings, tuple(findings), tuple(checked), tuple(unchecked), official)


@dataclass(frozen=True)
class MonthView:
    """What the public notices of a month may draw on, as plain data gathered by the
    store (the exporters never open it): the roster in force and where it stands in the
    cycle, the month's commitments, the outcomes recorded, the month's draws."""

    month: str
    today: dt.date
    state: str  # the roster in force: draft | published | … | none
    step: str  # none | committed | seeded | drawn | published | sealed | revealed
    record: Mapping[str, Any] | None  # the draw record in force
    visits: tuple[Mapping[str, Any], ...]  # its visits (date, institution_id, team, reason)
    published_at: str | None
    sealed_hash: str | None
    sealed_at: str | None
    sealed_text: str | None  # the sealed record's canonical JSON
    revealed_at: str | None
    commitments: tuple[Mapping[str, Any], ...]  # oldest first
    commitment_inputs: str | None  # the in-force draw's committed inputs, canonical JSON
    outcomes: tuple[tuple[str, str, str], ...]  # (institution_id, date, outcome)
    draws: tuple[Mapping[str, Any], ...]  # every draw of the month (draw_entry)

    @property
    def done(self) -> bool:
        """Is the month over?"""
        y, m = (int(x) for x in self.month.split("-"))
        return self.today >= (dt.date(y, m, 28) + dt.timedelta(days=4)).replace(day=1)

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None and self.done
