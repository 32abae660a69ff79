"""The commitment of an official draw: before the seed exists, the draw's inputs are
fixed and hashed, and the hash (the *commitment*) is made public in the month's
pre-announcement (抽查公告).

The inputs are what decides the draw besides the seed: the dataset's tables (their
fingerprint), the stored history used, the rules, every candidate with its weight, each
inspector's available days, and the seed source that will decide it
(:mod:`tuoyu.planning.beacon`: a drand round or a lottery draw after the commitment),
plus a random nonce (so that nobody can recompute the roster from public facts and the
public randomness before it is revealed), the previous sealed record of the dataset (the
chain), the month's earlier commitments and the reason for committing again. The
commitment is ``sha256:`` + SHA-256 of the canonical JSON of the inputs (sorted keys, no
spaces, UTF-8): the same bytes a browser hashes in the revealed notice.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from tuoyu.models.calendar import month_bounds
from tuoyu.models.findings import Finding, warning
from tuoyu.models.inspection import PastInspection, load_inspection_data
from tuoyu.optimizer.roster import build_problem
from tuoyu.planning.beacon import derive_seed, source_value
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams
from tuoyu.planning.roster import fingerprint, history_rows, rules_of

KIND = "tuoyu.roster.commitment"
#: the inputs that the dataset and the store determine (recomputed before an official
#: draw, which is refused when any changed since the commitment)
DETERMINED = ("month", "tables_fingerprint", "stored_history_fingerprint", "rules",
              "candidates", "inspectors")  # fmt: skip


def canonical(obj: Any) -> str:
    """The canonical JSON text that is hashed (sorted keys, no spaces, UTF-8 as is)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _candidates(entries: Sequence[Any]) -> list[dict[str, Any]]:
    """The draw's candidates with their weights, by institution (the order of a draw
    depends on its keys, which the seed decides)."""
    rows = [{"institution_id": e["institution_id"], "weight": e["weight"]}
            if isinstance(e, Mapping) else {"institution_id": e.institution_id,
                                            "weight": e.weight} for e in entries]  # fmt: skip
    return sorted(rows, key=lambda r: r["institution_id"])


def determined_inputs(dataset: Dataset, params: RosterParams,
                      history: Sequence[PastInspection]) -> dict[str, Any]:
    """The part of the inputs the dataset, the rules and the history before the month
    determine: the candidates of the draw with their weights (the draw's keys come from
    the seed, not yet known) and each inspector's available days."""
    data = load_inspection_data(dataset.folder)
    start, _end = month_bounds(params.year, params.mon)
    before = [h for h in history if h.date < start]
    rules = rules_of(params)
    problem = build_problem(data.with_history(before), params.year, params.mon, 0, rules)
    extra = history_rows(before)
    return json.loads(canonical({  # as the stored JSON reads back (lists, not tuples)
        "month": params.month,
        "tables_fingerprint": data.fingerprint,
        "stored_history": extra,
        "stored_history_fingerprint": fingerprint(extra),
        "rules": rules.as_dict(),
        "candidates": _candidates(problem.draw),
        "inspectors": [{"inspector_id": i.inspector_id, "department": i.department,
                        "skills": list(i.skills), "max_per_month": i.max_per_month,
                        "available_days": [d.isoformat() for d in
                                           problem.available.get(i.inspector_id, ())]}
                       for i in problem.inspectors],  # fmt: skip
    }))


def commitment_inputs(determined: Mapping[str, Any], *, source: Mapping[str, Any],
                      created_at: dt.datetime, seq: int, previous: str | None,
                      earlier: Sequence[str] = (), reason: str | None = None,
                      nonce: str | None = None) -> dict[str, Any]:
    """The whole inputs of a commitment (see the module's docstring)."""
    return {
        "kind": KIND,
        **determined,
        "seq": seq,
        "created_at": created_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "seed_source": dict(source),
        "previous_sealed": previous,
        "earlier_commitments": list(earlier),
        "reason": reason,
        "nonce": nonce or secrets.token_hex(16),
    }


def commitment_of(inputs: Mapping[str, Any]) -> str:
    """The commitment: SHA-256 of the inputs' canonical JSON."""
    return fingerprint(inputs)


def committed_at(inputs: Mapping[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(str(inputs["created_at"]))


def changed_since(inputs: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """The determined inputs that differ between the commitment and now."""
    return [k for k in DETERMINED if inputs.get(k) != now.get(k)]


def official_block(inputs: Mapping[str, Any], value: Mapping[str, Any],
                   checked: str) -> dict[str, Any]:
    """What an official draw's record carries of its commitment and seed: the inputs in
    full, their hash, the source's value as given and as checked, and the seed."""
    commitment = commitment_of(inputs)
    return {"commitment": commitment, "inputs": dict(inputs), "source_value": dict(value),
            "checked_value": checked, "seed": derive_seed(commitment, checked)}


def check_official(record: Mapping[str, Any]) -> list[Finding]:
    """An official record's commitment and seed, checked offline: the inputs hash to
    the commitment; the record's tables, history, rules and candidates are the
    committed ones; the seed source's value is valid (a drand round: named by the
    commitment, after it, its signature the chain's) and the seed is derived from it and
    the commitment. Returns the problems (none: all holds)."""
    from tuoyu.models.errors import DataError

    block = record["official"]
    inputs = block["inputs"]
    out: list[Finding] = []
    if commitment_of(inputs) != block["commitment"]:
        out.append(warning("roster.verify.commitment_changed", commitment=block["commitment"]))
    recorded = {
        "month": record["month"],
        "tables_fingerprint": record["inputs"]["tables_fingerprint"],
        "stored_history_fingerprint": record["inputs"]["stored_history_fingerprint"],
        "rules": record["rules"],
        "candidates": _candidates(record["draw"]["candidates"]),
    }
    recorded = json.loads(canonical(recorded))  # as read back from a file
    if record.get("replan"):  # a re-plan also reads the outcomes recorded this month
        recorded.pop("stored_history_fingerprint")
    for field in recorded:
        if inputs.get(field) != recorded[field]:
            out.append(warning("roster.verify.not_committed", field=field))
    try:
        checked = source_value(inputs["seed_source"], block["source_value"],
                               committed_at=committed_at(inputs), today=dt.date.max)
    except DataError as err:
        p = err.problems[0]  # its code names what is wrong (draw.drand_signature, …)
        return [*out, warning(p.code or "draw.source_invalid", **p.params)]
    seed = derive_seed(commitment_of(inputs), checked)
    if checked != block["checked_value"] or seed != block["seed"] or seed != record["seed"]:
        out.append(warning("roster.verify.seed_not_derived", seed=record["seed"], derived=seed))
    return out
