"""The audit record of a draw (``draw.json``).

The record holds the seed, a fingerprint of the canonical inputs (the dataset's tables and
the stored history that was used, which it carries in full), the versions, the rules, the
draw itself (every candidate with its weight and hashed key), the resulting roster, the
month's earlier draws (seed, time, fingerprint, reason) and the reason of this one when
the month was published before. ``tuoyu.planning.roster.verify`` recomputes the record
from the same inputs and compares it field by field.
"""

from __future__ import annotations

import datetime as dt
import platform
from typing import Any

import ortools

from tuoyu import __version__
from tuoyu.planning.plan import Plan
from tuoyu.planning.roster import METHOD, RosterDetail, draw_reason, fingerprint, record_body

__all__ = ["METHOD", "draw_record_of", "record_fingerprint"]


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
    body["inputs"]["data_dir"] = str(detail.dataset.folder)
    body["solver"]["stages"] = [s.as_dict() for s in plan.stages]
    return {
        **body,
        "versions": {
            "tuoyu": __version__,
            "ortools": ortools.__version__,
            "python": platform.python_version(),
        },
        "earlier_draws": [dict(e) for e in detail.earlier_draws],
        "redraw_reason": draw_reason(plan.params),
        "created_at": detail.made_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def record_fingerprint(record: dict[str, Any]) -> str:
    """The fingerprint of a whole record (as the store and the notice name a draw)."""
    return fingerprint(record)
